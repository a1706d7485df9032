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
//     for them before it sends more (ping-pong) — while a pipelining client
//     whose frames are buffered gets its answers in few large writes;
//   - the read deadline is set for what we are waiting for: the idle
//     timeout between frames, the frame timeout inside one;
//   - the clock is read only when a deadline has to change.

// errShutdown stops an idle connection's read once Shutdown has begun.
var errShutdown = errors.New("server shutting down")

// timeoutError replaces the network's bare "i/o timeout" with which limit
// ran out, so the frame reader's wrapped error reads well in an ERROR frame:
// "read header (3 of 5 bytes): not complete within 10s".
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

// writeError marks a failure to send answers, found while about to read.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// readerFunc lets a method serve as the frame reader's source.
type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// readNetwork fills p from the socket. See the top of this file.
func (c *conn) readNetwork(p []byte) (int, error) {
	var now time.Time
	if c.atBoundary || c.frameDeadline.IsZero() || c.w.Buffered() > 0 {
		now = time.Now()
		c.keepWriteDeadline(now)
	}
	if c.w.Buffered() > 0 {
		if err := c.w.Flush(); err != nil {
			return 0, &writeError{err}
		}
	}
	if c.atBoundary {
		return c.readIdle(p, now)
	}
	if c.frameDeadline.IsZero() {
		// The frame started in the buffer or in the previous read; the time
		// spent since then is microseconds, so the frame's clock starts now.
		c.frameDeadline = now.Add(c.frameTimeout)
		c.nc.SetReadDeadline(c.frameDeadline)
	}
	n, err := c.nc.Read(p)
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		err = &timeoutError{limit: c.frameTimeout}
	}
	return n, err
}

// readIdle waits at a frame boundary for the next frame to start. The
// connection is marked idle for the duration, under c.mu, so that Shutdown
// can interrupt exactly the connections that are between frames.
func (c *conn) readIdle(p []byte, now time.Time) (int, error) {
	if !c.enterIdle(now.Add(c.idleTimeout)) {
		return 0, errShutdown
	}
	n, err := c.nc.Read(p)
	c.leaveIdle()
	if n > 0 {
		c.atBoundary = false
		c.frameDeadline = time.Time{}
		c.srv.setState(c.nc, StateActive)
	}
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		if c.srv.inShutdown.Load() {
			err = errShutdown
		} else {
			err = &timeoutError{idle: true, limit: c.idleTimeout}
		}
	}
	return n, err
}

func (c *conn) enterIdle(deadline time.Time) bool {
	c.mu.Lock()
	if c.srv.inShutdown.Load() {
		c.mu.Unlock()
		return false
	}
	c.idle = true
	c.nc.SetReadDeadline(deadline)
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
// called by Shutdown after setting inShutdown, so a connection that is not
// idle now will see the flag when it next tries to be.
func (c *conn) wakeIfIdle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.idle {
		c.nc.SetReadDeadline(aLongTimeAgo)
	}
}

// aLongTimeAgo is a deadline that has certainly passed.
var aLongTimeAgo = time.Unix(1, 0)

// keepWriteDeadline renews the write deadline only when less than three
// quarters of WriteTimeout remain, so a ping-pong client does not cost a
// deadline update per answer.
func (c *conn) keepWriteDeadline(now time.Time) {
	if c.writeDeadline.Sub(now) < c.writeTimeout*3/4 {
		c.writeDeadline = now.Add(c.writeTimeout)
		c.nc.SetWriteDeadline(c.writeDeadline)
	}
}
