// Package client talks to a ByteStream server (docs/protocol.md).
//
// For one request at a time, use Text, Data and Ping: each sends a frame and
// waits for its answer, for as long as SetDeadline allows (forever by
// default, as with net.Conn). To pipeline, let one goroutine Send and Flush while
// another calls Receive; the server answers in request order.
//
//	c, err := client.Dial(ctx, "127.0.0.1:9000")
//	total, err := c.Text("hello") // 5
//	total, err = c.Text("world")  // 10
package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"bytestream/final/frame"
)

// Conn is a client connection. Its writing half (Send, Flush, CloseWrite)
// and its reading half (Receive) may each be used by one goroutine at the
// same time; Text, Data and Ping use both and must not overlap with other
// calls.
type Conn struct {
	nc net.Conn
	r  *frame.Reader
	w  *frame.Writer
}

// ServerError is the text of an ERROR frame: the server rejected a request.
// Text is as the server sent it; print Printable, or Error, instead.
type ServerError struct{ Text string }

func (e *ServerError) Error() string { return "server error: " + e.Printable() }

// Printable is Text with what a terminal would act on rather than show
// (escape sequences, line breaks, bytes that are not UTF-8) written as Go
// escapes: the text comes from the other end, and a hostile one could
// otherwise clear the screen or forge lines in the user's terminal.
func (e *ServerError) Printable() string {
	var b strings.Builder
	for i, r := range e.Text {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(e.Text[i:], "\uFFFD"):
			fmt.Fprintf(&b, "\\x%02x", e.Text[i])
		case unicode.IsPrint(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
	}
	return b.String()
}

// Dial connects to a server at addr (host:port).
func Dial(ctx context.Context, addr string) (*Conn, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return NewConn(nc), nil
}

// NewConn speaks the protocol over an existing connection, such as one
// wrapped by the lab to split and delay writes.
func NewConn(nc net.Conn) *Conn {
	return &Conn{nc: nc, r: frame.NewReader(nc), w: frame.NewWriter(nc)}
}

// Send queues one frame; it reaches the server at the next Flush, or
// sooner when the queue is full or the payload is large.
func (c *Conn) Send(t frame.Type, payload []byte) error {
	return c.w.WriteFrame(t, payload)
}

// Flush sends every queued frame.
func (c *Conn) Flush() error { return c.w.Flush() }

// Receive returns the next answer. An ERROR frame is returned as a
// *ServerError (its header and payload too). The payload is valid until the
// next Receive.
func (c *Conn) Receive() (frame.Header, []byte, error) {
	h, p, err := c.r.ReadFrame()
	if err == io.EOF {
		// A bare "EOF" tells a user nothing; this is what it means here.
		return h, nil, fmt.Errorf("receive: the server closed the connection (%w)", err)
	}
	if err != nil {
		return h, nil, fmt.Errorf("receive: %w", err)
	}
	if h.Type == frame.Error {
		return h, p, &ServerError{Text: string(p)}
	}
	return h, p, nil
}

// Text sends s as a TEXT frame and returns the server's ACK total.
func (c *Conn) Text(s string) (total uint64, err error) {
	return c.acked(frame.Text, []byte(s))
}

// Data sends p as a DATA frame and returns the server's ACK total.
func (c *Conn) Data(p []byte) (total uint64, err error) {
	return c.acked(frame.Data, p)
}

// Ping sends p in a PING frame, waits for the PONG, checks that it echoes p
// exactly, and returns the round-trip time.
func (c *Conn) Ping(p []byte) (rtt time.Duration, err error) {
	start := time.Now()
	h, got, err := c.roundTrip(frame.Ping, p)
	rtt = time.Since(start)
	if err != nil {
		return 0, err
	}
	if h.Type != frame.Pong {
		return 0, fmt.Errorf("PING answered with %s, want PONG", h.Type)
	}
	if !bytes.Equal(got, p) {
		return 0, fmt.Errorf("PONG payload % x differs from PING payload % x", got, p)
	}
	return rtt, nil
}

func (c *Conn) acked(t frame.Type, p []byte) (uint64, error) {
	h, payload, err := c.roundTrip(t, p)
	if err != nil {
		return 0, err
	}
	if h.Type != frame.Ack {
		return 0, fmt.Errorf("%s answered with %s, want ACK", t, h.Type)
	}
	return frame.AckTotal(payload)
}

func (c *Conn) roundTrip(t frame.Type, p []byte) (frame.Header, []byte, error) {
	if err := c.Send(t, p); err != nil {
		return frame.Header{}, nil, err
	}
	if err := c.Flush(); err != nil {
		return frame.Header{}, nil, err
	}
	return c.Receive()
}

// SetDeadline sets the read and write deadlines, as net.Conn's does: a
// call that would wait past t fails with an error matching
// os.ErrDeadlineExceeded, and so does every later one until the deadline
// is moved. The zero time means no deadline. A server that reads but never
// answers would otherwise hold Text, Data, Ping and Receive forever. A call
// that timed out may have left a frame half written or half read, so after
// a timeout the connection is of no further use: close it.
func (c *Conn) SetDeadline(t time.Time) error { return c.nc.SetDeadline(t) }

// SetReadDeadline bounds Receive and the wait for an answer in Text, Data
// and Ping; see SetDeadline.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.nc.SetReadDeadline(t) }

// SetWriteDeadline bounds Send, Flush and CloseWrite, which wait while the
// server is not reading; see SetDeadline.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.nc.SetWriteDeadline(t) }

// CloseWrite flushes queued frames and half-closes the connection: the
// server answers everything sent so far, then closes its side, which
// Receive reports as io.EOF.
func (c *Conn) CloseWrite() error {
	if err := c.Flush(); err != nil {
		return err
	}
	cw, ok := c.nc.(interface{ CloseWrite() error })
	if !ok {
		return errors.New("close write: connection cannot half-close")
	}
	return cw.CloseWrite()
}

// Close closes the connection at once.
func (c *Conn) Close() error { return c.nc.Close() }
