package main

import (
	"bytes"
	"errors"
	"log"
	"net"
	"strings"
	"sync"
	"testing"

	"bytestream/lab/shape"

	"golang.org/x/net/nettest"
)

// syncBuffer is a bytes.Buffer that the server's goroutines may write while
// the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer runs serve on a real loopback listener whose accepted
// connections are reshaped by opts, and returns the address to dial and the
// server's stdout. The server stops when the test ends.
func startServer(t *testing.T, opts shape.Options) (string, *syncBuffer) {
	t.Helper()
	addr, out, _ := startServerWithLog(t, opts)
	return addr, out
}

// startServerWithLog is startServer that also returns the server's log.
func startServerWithLog(t *testing.T, opts shape.Options) (string, *syncBuffer, *syncBuffer) {
	t.Helper()
	ln, err := nettest.NewLocalListener("tcp")
	if err != nil {
		t.Fatal(err)
	}
	out, logs := new(syncBuffer), new(syncBuffer)
	done := make(chan error, 1)
	go func() {
		done <- serve(shape.WrapListener(ln, opts), log.New(out, "", 0), log.New(logs, "", 0))
	}()
	t.Cleanup(func() {
		ln.Close()
		if err := <-done; !errors.Is(err, net.ErrClosed) {
			t.Errorf("serve ended with %v, want net.ErrClosed", err)
		}
	})
	return ln.Addr().String(), out, logs
}

// sendOver dials addr and sends messages with the step's own client code.
// It returns once the server has read everything and closed the connection.
func sendOver(t *testing.T, addr string, messages ...string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := send(conn, messages); err != nil {
		t.Fatal(err)
	}
}

// split3 makes every Read on the server return exactly 3 bytes, as if the
// network had delivered the stream in 3-byte segments.
var split3 = shape.Options{Read: shape.Rule{SplitMin: 3, SplitMax: 3}, Seed: 1}

// merge64 makes every Read wait for 64 bytes (or the end of the stream), as
// if the network had delivered everything in one segment.
var merge64 = shape.Options{Read: shape.Rule{SplitMin: 64, SplitMax: 64}, Seed: 1}

func TestServerPrintsWholeMessagesWhenTheStreamIsSplit(t *testing.T) {
	t.Parallel()
	addr, out := startServer(t, split3)
	sendOver(t, addr, "hello", "world")
	want := "received \"hello\"\nreceived \"world\"\n"
	if got := out.String(); got != want {
		t.Errorf("server printed\n%s\nwant\n%s", got, want)
	}
}

func TestServerPrintsWholeMessagesWhenWritesCoalesce(t *testing.T) {
	t.Parallel()
	addr, out := startServer(t, merge64)
	sendOver(t, addr, "hello", "world")
	want := "received \"hello\"\nreceived \"world\"\n"
	if got := out.String(); got != want {
		t.Errorf("server printed\n%s\nwant\n%s", got, want)
	}
}

func TestServerLogsACleanEndAndATruncatedFrame(t *testing.T) {
	t.Parallel()
	addr, out, logs := startServerWithLog(t, shape.Options{})

	// A well-behaved client stops between frames.
	sendOver(t, addr, "hello")
	if !strings.Contains(logs.String(), "connection closed cleanly, at a frame boundary") {
		t.Errorf("after a clean end the log says %q", logs)
	}

	// This one promises 5 bytes, sends 3 and stops sending.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("\x00\x00\x00\x05hel")); err != nil {
		t.Fatal(err)
	}
	if err := finish(conn); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "truncated frame: 3 of 5 message bytes: unexpected EOF") {
		t.Errorf("after a truncated frame the log says %q", logs)
	}
	if got, want := out.String(), "received \"hello\"\n"; got != want {
		t.Errorf("server printed %q, want %q: a truncated frame prints nothing", got, want)
	}
}
