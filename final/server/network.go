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
//   - pending answers are flushed first, because the client may be waiting
//     for them before it sends more (ping-pong), while a pipelining client,
//     whose frames are already buffered, gets its answers in few large
//     writes;
//   - the wait is bounded by the idle timeout between frames and by the
//     frame timeout inside one.
//
// Deadlines are lazy. Moving a socket's deadline costs a trip through the
// runtime's timer heap, too much to pay per frame. So the socket's deadline
// is moved only when it would fire too late. When it fires too early, at an
// old deadline, the read is simply retried with the right one. A busy
// connection therefore touches its read deadline about once per timeout
// period, not once per frame.

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

// readNetwork fills p from the socket. See the top of this file.
func (c *conn) readNetwork(p []byte) (int, error) {
	if !c.atBoundary && !c.frameDeadline.IsZero() {
		return c.readBefore(p, c.frameDeadline) // a frame's second or later wait
	}
	now := time.Now()
	c.keepWriteDeadline(now)
	if c.w.Buffered() > 0 {
		if err := c.w.Flush(); err != nil {
			return 0, &writeError{err}
		}
	}
	if c.atBoundary {
		return c.readIdle(p, now.Add(c.idleTimeout))
	}
	// The frame started in the buffer moments ago; its clock starts now.
	c.frameDeadline = now.Add(c.frameTimeout)
	return c.readBefore(p, c.frameDeadline)
}

// readBefore reads inside a frame, failing if nothing arrives by limit.
func (c *conn) readBefore(p []byte, limit time.Time) (int, error) {
	for {
		c.lazyDeadline(limit)
		n, err := c.nc.Read(p)
		if n > 0 {
			// Bytes first; a lasting error comes back on the next read. (A
			// wrapped conn, such as the lab's, may return both at once.)
			return n, nil
		}
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			return 0, err
		}
		if !time.Now().Before(limit) {
			return 0, &timeoutError{limit: c.frameTimeout}
		}
		c.readDeadline = time.Time{} // an old deadline fired; set the real one
	}
}

// readIdle waits at a frame boundary for the next frame to start. The
// connection is marked idle meanwhile, under c.mu, so that Shutdown can
// interrupt exactly the connections that are between frames.
func (c *conn) readIdle(p []byte, limit time.Time) (int, error) {
	for {
		if !c.enterIdle(limit) {
			return 0, errShutdown
		}
		n, err := c.nc.Read(p)
		c.leaveIdle()
		if n > 0 {
			c.atBoundary = false
			c.frameDeadline = time.Time{}
			c.srv.setState(c.nc, StateActive)
			return n, nil
		}
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			return 0, err
		}
		switch {
		case c.srv.inShutdown.Load():
			return 0, errShutdown
		case !time.Now().Before(limit):
			return 0, &timeoutError{idle: true, limit: c.idleTimeout}
		}
		c.readDeadline = time.Time{} // an old deadline fired; set the real one
	}
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
