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
	fill    func() error // fills the frame reader's buffer through tryRead
	fd      int          // the descriptor, while fill runs in awaitNow

	// The callbacks given to raw.Read, made once per connection: a method
	// value made per read would allocate.
	readOrWait, fillOrWait func(fd uintptr) bool

	// Arguments and results of the callbacks.
	p       []byte
	n       int
	err     error
	waited  bool  // awaitBytes waited for the poller
	keptErr error // found by awaitBytes, for the next read to return
}

// newSocket returns nc's socket, or nil if nc is not a TCP connection (a
// wrapped conn such as the lab's): such a connection flushes before every
// read and keeps its buffers while idle.
func newSocket(nc net.Conn, flush func() error, release func(), fill func() error) socketReader {
	tc, ok := nc.(*net.TCPConn)
	if !ok {
		return nil
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	s := &socket{nc: tc, raw: raw, flush: flush, release: release, fill: fill}
	s.readOrWait, s.fillOrWait = s.readNow, s.awaitNow
	return s
}

// read reads into p, flushing pending answers only if it must wait.
func (s *socket) read(p []byte) (int, error) {
	if err := s.keptErr; err != nil {
		s.keptErr = nil
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

// awaitBytes waits, holding no buffer, until the client's next bytes (or
// the end of the stream, or an error for the next read to report) are
// there. It first reads what is already there into the frame reader's
// buffer, through fill; only if nothing is does it flush, release the
// buffers and wait, leaving the bytes that wake it in the socket.
func (s *socket) awaitBytes() error {
	s.err, s.waited = nil, false
	if err := s.raw.Read(s.fillOrWait); err != nil {
		return s.opError(err)
	}
	return s.err
}

// awaitNow is awaitBytes' callback.
func (s *socket) awaitNow(fd uintptr) bool {
	if s.waited {
		// The poller saw the socket become readable. Reading now would
		// take a buffer for a wake-up that may be stale; the read that
		// follows, if it must wait, simply waits holding its buffers.
		return true
	}
	s.fd = int(fd)
	err := s.fill()
	s.fd = -1
	if err != errWouldWait || s.keptErr != nil {
		return true // bytes, or what the next read reports
	}
	if s.err = s.flush(); s.err != nil {
		return true
	}
	s.release()
	s.waited = true
	return false
}

// tryRead is fill's source, called only from awaitNow: one read of what is
// already there into p. When nothing is, or the stream ended or failed,
// it reads nothing and returns errWouldWait; the end or the error it
// keeps for the next read to report, because a second read would not
// see a reset again.
func (s *socket) tryRead(p []byte) (int, error) {
	for {
		n, err := syscall.Read(s.fd, p)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
		case err != nil:
			s.keptErr = s.opError(os.NewSyscallError("read", err))
		case n == 0:
			s.keptErr = io.EOF
		default:
			return n, nil
		}
		return 0, errWouldWait
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
