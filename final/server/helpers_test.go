package server_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"regexp"
	"sync"
	"testing"
	"time"

	"bytestream/final/client"
	"bytestream/final/logging"
	"bytestream/final/server"
	"bytestream/final/server/servertest"
)

// mustFinish bounds every wait in these tests: generous for a loaded
// 2-core CI machine, and never part of what a test asserts.
const mustFinish = 20 * time.Second

// syncBuffer is a log destination tests can read while the server writes.
// Each Write wakes whoever waits on the channel from snapshot, so waitLog
// sleeps until the log changes instead of polling it.
type syncBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed by the next Write; nil until asked for
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.changed != nil {
		close(b.changed)
		b.changed = nil
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// snapshot returns the log so far and a channel closed by the next Write.
func (b *syncBuffer) snapshot() (string, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.changed == nil {
		b.changed = make(chan struct{})
	}
	return b.buf.String(), b.changed
}

// running is a server started by start, with its log.
type running struct {
	srv  *server.Server
	addr string
	log  *syncBuffer
}

// start serves srv on a fresh loopback listener until the test ends (see
// servertest), logging every frame into rs.log unless srv has a Logger.
func start(t testing.TB, srv *server.Server) *running {
	t.Helper()
	rs := &running{srv: srv, log: &syncBuffer{}}
	if srv.Logger == nil {
		srv.Logger = logTo(t, rs.log, slog.LevelDebug)
	}
	rs.addr = servertest.Start(t, srv)
	return rs
}

// logTo returns a logger writing the command line's lines to w, from
// level up, until the test ends. Its handler is closed after the server
// (cleanups run last first), so every line is written.
func logTo(t testing.TB, w io.Writer, level slog.Level) *slog.Logger {
	h := logging.NewHandler(w, logging.Never, level)
	t.Cleanup(func() { h.Close() })
	return slog.New(h)
}

// quiet is a logger for tests that do not read the log.
var quiet = slog.New(slog.DiscardHandler)

// dial connects a client and closes it when the test ends.
func dial(t *testing.T, addr string) *client.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), mustFinish)
	defer cancel()
	c, err := client.Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// dialRaw opens a plain TCP connection with a deadline that turns a hang
// into a failure.
func dialRaw(t *testing.T, addr string) net.Conn {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, mustFinish)
	if err != nil {
		t.Fatal(err)
	}
	nc.SetDeadline(time.Now().Add(mustFinish))
	t.Cleanup(func() { nc.Close() })
	return nc
}

// waitLog waits until the server's log matches the regular expression re:
// connections log their end after closing, so a test that has seen the
// close may have to wait a moment for the line.
func (rs *running) waitLog(t testing.TB, re string) {
	t.Helper()
	pattern := regexp.MustCompile(re)
	timeout := time.After(mustFinish)
	for {
		log, changed := rs.log.snapshot()
		if pattern.MatchString(log) {
			return
		}
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("server log never matched %s; log:\n%s", re, rs.log.String())
		}
	}
}

func (b *syncBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}
