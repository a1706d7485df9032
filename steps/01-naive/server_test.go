package main

import (
	"bytes"
	"errors"
	"io"
	"log"
	"net"
	"strconv"
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
	ln, err := nettest.NewLocalListener("tcp")
	if err != nil {
		t.Fatal(err)
	}
	out := new(syncBuffer)
	done := make(chan error, 1)
	go func() {
		done <- serve(shape.WrapListener(ln, opts), log.New(out, "", 0), log.New(io.Discard, "", 0))
	}()
	t.Cleanup(func() {
		ln.Close()
		if err := <-done; !errors.Is(err, net.ErrClosed) {
			t.Errorf("serve ended with %v, want net.ErrClosed", err)
		}
	})
	return ln.Addr().String(), out
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

func TestServerPrintsFragmentsWhenTheStreamIsSplit(t *testing.T) {
	t.Parallel()
	addr, out := startServer(t, split3)
	sendOver(t, addr, "hello", "world")
	want := "received \"hel\"\nreceived \"low\"\nreceived \"orl\"\nreceived \"d\"\n"
	if got := out.String(); got != want {
		t.Errorf("server printed\n%s\nwant\n%s", got, want)
	}
}

func TestServerPrintsOneMergedMessageWhenWritesCoalesce(t *testing.T) {
	t.Parallel()
	addr, out := startServer(t, merge64)
	sendOver(t, addr, "hello", "world")
	want := "received \"helloworld\"\n"
	if got := out.String(); got != want {
		t.Errorf("server printed\n%s\nwant\n%s", got, want)
	}
}

// TestServerSplitsAMessageLongerThanItsBuffer needs no lab: Read never
// returns more than the buffer holds, so a message of 3000 bytes takes at
// least three Reads of 1024, and the naive server prints at least three
// "messages", whatever the kernel does.
func TestServerSplitsAMessageLongerThanItsBuffer(t *testing.T) {
	t.Parallel()
	addr, out := startServer(t, shape.Options{})
	long := strings.Repeat("x", 3000)
	sendOver(t, addr, long)
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	var joined strings.Builder
	for _, line := range lines {
		msg, err := strconv.Unquote(strings.TrimPrefix(line, "received "))
		if err != nil {
			t.Fatalf("server printed %q: %v", line, err)
		}
		joined.WriteString(msg)
	}
	if len(lines) < 3 || joined.String() != long {
		t.Errorf("server printed %d lines holding %d bytes; want at least 3 lines holding the 3000 bytes sent",
			len(lines), joined.Len())
	}
}
