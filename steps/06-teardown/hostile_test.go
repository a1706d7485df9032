package main

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"bytestream/lab/shape"
)

// These tests each play one hostile or broken client against a server, and
// check two things: the server does what docs/protocol.md says to that client,
// and a well-behaved client connected at the same time keeps getting its
// answers. The timeouts are configured short, and nothing is asserted about
// how long anything took: only about what happened.

// stillServes proves the server is still answering other clients: a fresh
// connection sends TEXT "ok" and must get ACK 2.
func stillServes(t *testing.T, addr string) {
	t.Helper()
	if got := dial(t, addr).ask(typeText, "ok"); got != ack(2) {
		t.Errorf("a well-behaved client got %v, want ACK 2", got)
	}
}

// expectHangUp reads what is left on c: one ERROR with want, then the end
// of the stream.
func expectHangUp(t *testing.T, c *client, want string) {
	t.Helper()
	if got := c.receive(); got != (frame{typeError, want}) {
		t.Errorf("got %v, want ERROR %q", got, want)
	}
	if _, _, err := readFrame(c.in, maxPayloadSize); err != io.EOF {
		t.Errorf("after the ERROR: %v, want the server to hang up (EOF)", err)
	}
}

func TestA4GiBLengthIsAnsweredWithAnErrorThenAHangUp(t *testing.T) {
	t.Parallel()
	addr, logs := startServer(t, shape.Options{})
	hostile := dial(t, addr)
	hostile.conn.Write([]byte{0xff, 0xff, 0xff, 0xff, byte(typeData)})
	stillServes(t, addr)
	expectHangUp(t, hostile, "frame too large: 4294967295 bytes > limit 16777216")
	waitForLog(t, logs, `closed: frame too large: 4294967295 bytes > limit 16777216`)
	stillServes(t, addr)
}

func TestMaxPayloadIsConfigurable(t *testing.T) {
	t.Parallel()
	cfg := defaultConfig
	cfg.maxPayload = 1000
	addr, _, _ := startConfigured(t, cfg, shape.Options{})
	c := dial(t, addr)
	if got := c.ask(typeData, strings.Repeat("x", 1000)); got != ack(1000) {
		t.Fatalf("DATA of exactly the limit: got %v, want ACK 1000", got)
	}
	c.send(typeData, strings.Repeat("x", 1001))
	expectHangUp(t, c, "frame too large: 1001 bytes > limit 1000")
}

// A slowloris client sends one byte at a time, each well within the idle
// timeout. Only a deadline on the whole frame stops it. The lab's writer
// does the dribbling: every Write is cut into 1-byte pieces 20ms apart.
func TestADribblerIsCutOffByTheFrameDeadline(t *testing.T) {
	t.Parallel()
	cfg := defaultConfig
	cfg.frameTimeout = 200 * time.Millisecond
	addr, logs, _ := startConfigured(t, cfg, shape.Options{})
	hostile := dial(t, addr)
	dribbler := shape.Wrap(hostile.conn, shape.Options{Write: shape.Rule{SplitMin: 1, SplitMax: 1, Gap: 20 * time.Millisecond}})
	written := make(chan error, 1)
	go func() {
		// 5 + 100 bytes at 20ms each would take two seconds.
		written <- writeFrame(dribbler, typeText, []byte(strings.Repeat("z", 100)))
	}()
	stillServes(t, addr)
	expectHangUp(t, hostile, "frame not complete after 200ms")
	waitForLog(t, logs, `closed: frame not complete after 200ms: (frame header|TEXT frame): \d+ of \d+ (payload )?bytes, then: .*i/o timeout`)
	if err := <-written; err == nil {
		t.Error("the dribbler wrote its whole frame: the server never hung up")
	}
}

func TestAnIdleConnectionIsClosedAfterTheIdleTimeout(t *testing.T) {
	t.Parallel()
	cfg := defaultConfig
	// Long enough that the well-behaved client, which sends at once, is
	// never idle that long even on a loaded machine.
	cfg.idleTimeout = 500 * time.Millisecond
	addr, logs, _ := startConfigured(t, cfg, shape.Options{})
	silent := dial(t, addr)
	stillServes(t, addr)
	if _, _, err := readFrame(silent.in, maxPayloadSize); err != io.EOF {
		t.Errorf("a silent client read %v, want the server to close (EOF)", err)
	}
	waitForLog(t, logs, `closed: idle for 500ms`)
}

// A client that resets the connection in the middle of a frame leaves the
// server holding part of a frame. The server logs how much, and moves on.
func TestAResetMidFrameIsLoggedWithTheByteCounts(t *testing.T) {
	t.Parallel()
	addr, logs := startServer(t, shape.Options{})
	hostile := dial(t, addr)
	header := binary.BigEndian.AppendUint32(nil, 100)
	header = append(header, byte(typeData))
	hostile.conn.Write(append(header, make([]byte, 40)...))
	// Linger 0 makes Close send a reset (RST) instead of a normal close.
	hostile.conn.(*net.TCPConn).SetLinger(0)
	hostile.conn.Close()
	waitForLog(t, logs, `closed mid-frame: DATA frame: 40 of 100 payload bytes, then: .*connection reset by peer`)
	stillServes(t, addr)
}

// A frame cut off by an ordinary close is a truncated frame: a warning with
// counts, never a clean close.
func TestATruncatedFrameIsLoggedWithTheByteCounts(t *testing.T) {
	t.Parallel()
	addr, logs := startServer(t, shape.Options{})
	for _, tc := range []struct {
		name, sent, log string
	}{
		{"inside the header", "\x00\x00\x00", `closed mid-frame: truncated frame: 3 of 5 header bytes: unexpected EOF`},
		{"inside the payload", "\x00\x00\x00\x05\x01he", `closed mid-frame: truncated TEXT frame: 2 of 5 payload bytes: unexpected EOF`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dial(t, addr)
			c.conn.Write([]byte(tc.sent))
			c.conn.(*net.TCPConn).CloseWrite()
			if _, _, err := readFrame(c.in, maxPayloadSize); err != io.EOF {
				t.Errorf("client read %v, want a close without an answer (EOF)", err)
			}
			waitForLog(t, logs, tc.log)
		})
	}
	if strings.Contains(logs.String(), "cleanly") {
		t.Errorf("a truncated frame was logged as a clean close:\n%s", logs)
	}
}

// A client that sends and never reads fills the socket buffers on both
// sides with answers; then the server's Write blocks. The write deadline
// ends it. The client sends 1 MiB PINGs, so that its 1 MiB PONGs fill the
// buffers quickly.
func TestAClientThatNeverReadsIsCutOffByTheWriteDeadline(t *testing.T) {
	t.Parallel()
	cfg := defaultConfig
	cfg.writeTimeout = 200 * time.Millisecond
	addr, logs, _ := startConfigured(t, cfg, shape.Options{})
	hostile := dial(t, addr)
	payload := make([]byte, 1<<20)
	written := make(chan error, 1)
	go func() {
		for {
			if err := writeFrame(hostile.conn, typePing, payload); err != nil {
				written <- err
				return
			}
		}
	}()
	waitForLog(t, logs, `closed: the client is not reading: write PONG frame: .*i/o timeout`)
	stillServes(t, addr)
	// The server is gone for this client: its writes fail from now on.
	if err := <-written; err == nil || errors.Is(err, io.EOF) {
		t.Errorf("the client's write ended with %v, want a connection error", err)
	}
}
