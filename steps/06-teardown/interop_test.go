package main

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"

	finalclient "bytestream/final/client"
	finalframe "bytestream/final/frame"
	"bytestream/lab/shape"
)

// After this step all of docs/protocol.md applies, so final's client must get
// what it expects from this server in every case the protocol describes:
// pipelined requests answered in order, a half-close answered in full and
// then closed, and a framing error answered with ERROR and a hang-up.

func TestFinalClientPipelinesAndHalfClosesAgainstThisServer(t *testing.T) {
	t.Parallel()
	addr, _ := startServer(t, shape.Options{})
	c := dialFinal(t, addr)

	// Send 100 DATA frames before reading a single answer, then say we
	// are done. Every one is acknowledged, in order, and then the server
	// closes its side.
	const frames, size = 100, 1000
	sent := make(chan error, 1)
	go func() {
		for range frames {
			if err := c.Send(finalframe.Data, make([]byte, size)); err != nil {
				sent <- err
				return
			}
		}
		sent <- c.CloseWrite()
	}()
	for i := 1; i <= frames; i++ {
		h, payload, err := c.Receive()
		if err != nil {
			t.Fatalf("answer %d: %v", i, err)
		}
		total, err := finalframe.AckTotal(payload)
		if h.Type != finalframe.Ack || err != nil || total != uint64(i*size) {
			t.Fatalf("answer %d: %s %d (%v), want ACK %d", i, h.Type, total, err, i*size)
		}
	}
	if _, _, err := c.Receive(); !errors.Is(err, io.EOF) {
		t.Errorf("after the last answer: %v, want EOF", err)
	}
	if err := <-sent; err != nil {
		t.Error(err)
	}
}

func TestFinalClientSeesTheErrorBeforeTheHangUp(t *testing.T) {
	t.Parallel()
	cfg := defaultConfig
	cfg.maxPayload = 1000
	addr, _, _ := startConfigured(t, cfg, shape.Options{})
	c := dialFinal(t, addr)
	_, err := c.Data(make([]byte, 1001))
	var serverErr *finalclient.ServerError
	if !errors.As(err, &serverErr) || serverErr.Text != "frame too large: 1001 bytes > limit 1000" {
		t.Errorf("Data(1001 bytes) = %v, want the ServerError that explains the limit", err)
	}
	if _, _, err := c.Receive(); !errors.Is(err, io.EOF) {
		t.Errorf("after the ERROR: %v, want EOF", err)
	}
}

// dialFinal connects final's client to addr for the length of the test. A
// generous deadline turns a server that never answers into a failure
// instead of a hang.
func dialFinal(t *testing.T, addr string) *finalclient.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	c := finalclient.NewConn(conn)
	t.Cleanup(func() { c.Close() })
	return c
}
