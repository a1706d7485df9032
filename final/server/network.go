package server

import (
	"errors"
	"os"
	"time"
)

// This file is the only place a connection waits for its client. The frame
// reader calls readNetwork when its buffer runs dry, never for a frame that
// is already buffered, so the work done here happens once per batch of
// frames, not once per frame:
//
//   - pending answers are flushed when the connection would otherwise
//     wait, because the client may be waiting for them before it sends
//     more (ping-pong). On a TCP socket the read is first tried without
//     waiting (socket_unix.go), and answers are flushed only if it finds
//     nothing: a pipelining client, whose next frames are already in the
//     socket, gets its answers in few large writes, and its reader is woken
//     once per batch, not once per read. A wrapped conn (the lab's) cannot
//     be tried, so it is flushed before every read;
//   - between frames, with nothing buffered, a TCP connection reads what
//     is already there in awaitFrame; if nothing is, it waits holding no
//     buffers: it gives its read and write buffers back to shared pools,
//     and reads only once the client's next bytes are there, so an idle
//     connection costs a few kilobytes. (It used to peek, with MSG_PEEK,
//     before reading at every frame boundary: streaming 64 KiB frames,
//     that was one system call in five.);
//   - the wait is bounded by the idle timeout between frames and by the
//     frame timeout inside one.
//
// Deadlines are lazy. Moving a socket's deadline costs a trip through the
// runtime's timer heap, too much to pay per frame. So the socket's deadline
// is moved only when it would fire too late. When it fires too early, at an
// old deadline, the read is simply retried with the right one. A busy
// connection therefore touches its read deadline about once per timeout
// period, not once per frame.

// socketReader reads a TCP socket itself (socket_unix.go).
type socketReader interface {
	// read is a net.Conn Read that flushes pending answers only if it
	// must wait.
	read(p []byte) (int, error)
	// awaitBytes reads what is there into the frame reader's buffer, or
	// else flushes, releases the buffers and waits, holding none, until
	// the next read will not wait.
	awaitBytes() error
	// tryRead reads what is there into p without waiting, for awaitBytes'
	// fill, and returns errWouldWait when nothing is.
	tryRead(p []byte) (int, error)
}

// errWouldWait says that a read that must not wait found nothing.
var errWouldWait = errors.New("read would wait")

// errShutdown stops an idle connection's read once Shutdown has begun.
var errShutdown = errors.New("server shutting down")

// timeoutError replaces the network's bare "i/o timeout" with the limit
// that ran out, so the frame reader's wrapped error reads well in an ERROR
// frame: "read header (3 of 5 bytes): not complete within 10s".
type timeoutError struct {
	idle  bool
	limit time.Duration
}

func (e *timeoutError) Error() string {
	if e.idle {
		return "no frame started within " + e.limit.String()
	}
	return "not complete within " + e.limit.String()
}

// writeError marks a failure to send answers, as opposed to one to read.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// readerFunc lets a method serve as the frame reader's source.
type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// readSource is the frame reader's source: readNetwork, or, while
// awaitFrame fills the buffer, a read that does not wait.
func (c *conn) readSource(p []byte) (int, error) {
	if c.filling {
		return c.sock.tryRead(p)
	}
	return c.readNetwork(p)
}

// fillNow reads what is already there into the frame reader's buffer, and
// returns errWouldWait if nothing is.
func (c *conn) fillNow() error {
	c.filling = true
	err := c.r.Fill()
	c.filling = false
	return err
}

// readNetwork fills p from the socket. See the top of this file.
func (c *conn) readNetwork(p []byte) (int, error) {
	if !c.atBoundary && !c.frameDeadline.IsZero() {
		return c.readBefore(p, c.frameDeadline) // a frame's second or later wait
	}
	now := time.Now()
	c.keepWriteDeadline(now)
	switch {
	case c.sock == nil:
		if err := c.flush(); err != nil {
			return 0, err
		}
		if c.atBoundary {
			return c.readIdle(p, now.Add(c.idleTimeout), false)
		}
	case c.atBoundary:
		// awaitFrame saw the client's next bytes arrive and left the
		// connection idle until they are read.
		return c.readIdle(p, c.idleLimit, true)
	}
	// The frame started in the buffer moments ago; its clock starts now.
	c.frameDeadline = now.Add(c.frameTimeout)
	return c.readBefore(p, c.frameDeadline)
}

// readBefore reads inside a frame, failing if nothing arrives by limit.
func (c *conn) readBefore(p []byte, limit time.Time) (int, error) {
	for {
		c.lazyDeadline(limit)
		n, err := c.read(p)
		if n > 0 {
			// Bytes first; a lasting error comes back on the next read. (A
			// wrapped conn, such as the lab's, may return both at once.)
			return n, nil
		}
		if !readTimedOut(err) {
			return 0, err
		}
		if !time.Now().Before(limit) {
			return 0, &timeoutError{limit: c.frameTimeout}
		}
		c.readDeadline = time.Time{} // an old deadline fired; set the real one
	}
}

// read reads from the socket, which flushes pending answers itself before
// it waits, or from a wrapped conn, which readNetwork has flushed.
func (c *conn) read(p []byte) (int, error) {
	if c.sock != nil {
		return c.sock.read(p)
	}
	return c.nc.Read(p)
}

// readIdle waits at a frame boundary for the next frame to start. The
// connection is marked idle meanwhile, under c.mu, so that Shutdown can
// interrupt exactly the connections that are between frames; isIdle says
// awaitFrame has marked it already.
func (c *conn) readIdle(p []byte, limit time.Time, isIdle bool) (int, error) {
	for ; ; isIdle = false {
		if !isIdle && !c.enterIdle(limit) {
			return 0, errShutdown
		}
		n, err := c.read(p)
		c.leaveIdle()
		if n > 0 {
			c.atBoundary = false
			c.frameDeadline = time.Time{}
			c.srv.setState(c.nc, StateActive)
			return n, nil
		}
		if !readTimedOut(err) {
			return 0, err
		}
		if err := c.idleOver(limit); err != nil {
			return 0, err
		}
	}
}

// awaitFrame begins readIdle's wait on a TCP socket. run calls it before
// the next header when nothing is buffered. Bytes that are already there
// it reads at once, and the frame has begun; else it waits for the
// client's next bytes holding no buffers, and leaves them in the socket,
// and the connection idle, for readIdle.
func (c *conn) awaitFrame() error {
	now := time.Now()
	c.keepWriteDeadline(now)
	c.idleLimit = now.Add(c.idleTimeout)
	for {
		if !c.enterIdle(c.idleLimit) {
			return errShutdown
		}
		err := c.sock.awaitBytes()
		if err == nil && c.r.Buffered() > 0 {
			c.leaveIdle()
			c.atBoundary = false // the frame's clock starts at its next wait
			c.srv.setState(c.nc, StateActive)
			return nil
		}
		if err == nil {
			return nil
		}
		c.leaveIdle()
		if !readTimedOut(err) {
			return err
		}
		if err := c.idleOver(c.idleLimit); err != nil {
			return err
		}
	}
}

// idleOver says why an idle wait whose deadline fired must end, or returns
// nil if an old deadline fired early and the wait goes on.
func (c *conn) idleOver(limit time.Time) error {
	switch {
	case c.srv.inShutdown.Load():
		return errShutdown
	case !time.Now().Before(limit):
		return &timeoutError{idle: true, limit: c.idleTimeout}
	}
	c.readDeadline = time.Time{} // set the real one
	return nil
}

// readTimedOut reports whether a read failed at the read deadline, not at
// the write deadline of the flush before it.
func readTimedOut(err error) bool {
	var werr *writeError
	return errors.Is(err, os.ErrDeadlineExceeded) && !errors.As(err, &werr)
}

// flush sends the pending answers. On a socket it runs whenever a read
// would wait, perhaps well into a slow frame, so it renews the write
// deadline itself.
func (c *conn) flush() error {
	if c.w.Buffered() == 0 {
		return nil
	}
	c.keepWriteDeadline(time.Now())
	if err := c.w.Flush(); err != nil {
		return &writeError{err}
	}
	return nil
}

// releaseBuffers gives the connection's buffers back while it is idle;
// the frame package refuses if anything is buffered.
func (c *conn) releaseBuffers() {
	c.r.Release()
	c.w.Release()
}

// enterIdle marks the connection idle and bounds its wait by limit, unless
// Shutdown has begun. Both happen under c.mu, so Shutdown's wakeIfIdle
// either sees the connection idle (and its deadline, once set, cannot be
// moved back) or the connection sees inShutdown.
func (c *conn) enterIdle(limit time.Time) bool {
	c.mu.Lock()
	if c.srv.inShutdown.Load() {
		c.mu.Unlock()
		return false
	}
	c.idle = true
	c.lazyDeadline(limit)
	c.mu.Unlock()
	c.srv.setState(c.nc, StateIdle)
	return true
}

func (c *conn) leaveIdle() {
	c.mu.Lock()
	c.idle = false
	c.mu.Unlock()
}

// wakeIfIdle makes an idle connection's pending read return at once. It is
// called by Shutdown after setting inShutdown.
func (c *conn) wakeIfIdle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.idle {
		c.nc.SetReadDeadline(aLongTimeAgo)
	}
}

// aLongTimeAgo is a deadline that has certainly passed.
var aLongTimeAgo = time.Unix(1, 0)

// lazyDeadline makes sure the socket's read deadline is no later than
// limit, moving it only if it is unset or later.
func (c *conn) lazyDeadline(limit time.Time) {
	if c.readDeadline.IsZero() || c.readDeadline.After(limit) {
		c.readDeadline = limit
		c.nc.SetReadDeadline(limit)
	}
}

// keepWriteDeadline renews the write deadline only when less than three
// quarters of WriteTimeout remain, for the same reason reads are lazy.
func (c *conn) keepWriteDeadline(now time.Time) {
	if c.writeDeadline.Sub(now) < c.writeTimeout*3/4 {
		c.writeDeadline = now.Add(c.writeTimeout)
		c.nc.SetWriteDeadline(c.writeDeadline)
	}
}
