//go:build unix && !aix

package server

import (
	"io"
	"net"
	"os"
	"syscall"
)

// socket reads a TCP connection through its file descriptor, so that it
// can first try a read without waiting and act only when the read would
// wait: flush the answers the client may be waiting for, and, between
// frames, give the connection's buffers back. See network.go.
type socket struct {
	nc      *net.TCPConn
	raw     syscall.RawConn
	flush   func() error // sends pending answers
	release func()       // returns the connection's buffers to their pools

	// The callbacks given to raw.Read, made once per connection: a method
	// value made per read would allocate.
	readOrWait, readOrNot, peekOrWait func(fd uintptr) bool

	// Arguments and results of the callbacks.
	p       []byte
	n       int
	err     error
	peek    [1]byte
	waited  bool  // awaitBytes waited for the poller
	peekErr error // found by awaitBytes, for the next read to return
}

// newSocket returns nc's socket, or nil if nc is not a TCP connection (a
// wrapped conn such as the lab's): such a connection flushes before every
// read and keeps its buffers while idle.
func newSocket(nc net.Conn, flush func() error, release func()) socketReader {
	tc, ok := nc.(*net.TCPConn)
	if !ok {
		return nil
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	s := &socket{nc: tc, raw: raw, flush: flush, release: release}
	s.readOrWait, s.readOrNot, s.peekOrWait = s.readNow, s.readIfThere, s.peekNow
	return s
}

// read reads into p, flushing pending answers only if it must wait.
func (s *socket) read(p []byte) (int, error) {
	if err := s.peekErr; err != nil {
		s.peekErr = nil
		return 0, err
	}
	s.p, s.n, s.err = p, 0, nil
	err := s.raw.Read(s.readOrWait)
	s.p = nil
	switch {
	case err != nil:
		return 0, s.opError(err)
	case s.err != nil:
		return 0, s.err
	case s.n == 0:
		return 0, io.EOF
	}
	return s.n, nil
}

// readNow is read's callback: it reports true when it has bytes, the end
// of the stream or an error, and false, after flushing, to wait.
func (s *socket) readNow(fd uintptr) bool {
	for {
		n, err := syscall.Read(int(fd), s.p)
		switch err {
		case nil:
			s.n = n
			return true
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			s.err = s.flush()
			return s.err != nil
		}
		s.err = s.opError(os.NewSyscallError("read", err))
		return true
	}
}

// tryRead reads into p only what is already there: it neither waits nor
// flushes. When nothing is there it returns errWouldWait; the end of the
// stream or an error it keeps for read to return, and returns errWouldWait
// too, so that the caller goes on to awaitBytes and read, which report it.
func (s *socket) tryRead(p []byte) (int, error) {
	if s.peekErr != nil {
		return 0, errWouldWait
	}
	s.p, s.n, s.err = p, 0, nil
	err := s.raw.Read(s.readOrNot)
	s.p = nil
	switch {
	case err != nil:
		s.peekErr = s.opError(err)
	case s.err == errWouldWait:
	case s.err != nil:
		s.peekErr = s.err
	case s.n == 0:
		s.peekErr = io.EOF
	default:
		return s.n, nil
	}
	return 0, errWouldWait
}

// readIfThere is tryRead's callback: one read that never waits.
func (s *socket) readIfThere(fd uintptr) bool {
	for {
		n, err := syscall.Read(int(fd), s.p)
		switch err {
		case nil:
			s.n = n
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			s.err = errWouldWait
		default:
			s.err = s.opError(os.NewSyscallError("read", err))
		}
		return true
	}
}

// awaitBytes waits, holding no buffer, until the client's next bytes (or
// the end of the stream, or an error for the next read to report) are
// there. Before it waits it flushes and releases the buffers.
func (s *socket) awaitBytes() error {
	if s.peekErr != nil {
		return nil // found by tryRead: the next read reports it
	}
	s.err, s.waited = nil, false
	if err := s.raw.Read(s.peekOrWait); err != nil {
		return s.opError(err)
	}
	return s.err
}

// peekNow is awaitBytes' callback. It looks at one byte without taking it,
// into a one-byte array, so waiting costs no buffer.
func (s *socket) peekNow(fd uintptr) bool {
	if s.waited {
		// The poller saw the socket become readable. Peeking again to be
		// sure would cost a system call per round trip; should the wake-up
		// have been stale, the read that follows simply waits, holding its
		// buffers.
		return true
	}
	for {
		_, _, err := syscall.Recvfrom(int(fd), s.peek[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		switch err {
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			if s.err = s.flush(); s.err != nil {
				return true
			}
			s.release()
			s.waited = true
			return false
		case nil:
			return true // bytes, or the end of the stream: the read tells which
		}
		// Peeking took the error off the socket, where a reset would
		// leave a clean end behind: the next read reports it instead.
		s.peekErr = s.opError(os.NewSyscallError("read", err))
		return true
	}
}

// opError labels an error as the net package labels a read's, so logs
// read the same as for a plain conn.Read ("read tcp A->B: ...").
func (s *socket) opError(err error) error {
	if op, ok := err.(*net.OpError); ok {
		op.Op = "read"
		return op
	}
	return &net.OpError{Op: "read", Net: "tcp", Source: s.nc.LocalAddr(), Addr: s.nc.RemoteAddr(), Err: err}
}
