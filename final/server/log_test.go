package server_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"bytestream/final/frame"
	"bytestream/final/server"
)

// unknownFrames returns n frames of an unknown type, 5 bytes each: every
// one is a message error, answered with an ERROR.
func unknownFrames(n int) []byte {
	return bytes.Repeat(encode(0x7f, nil), n)
}

// drainAnswers half-closes nc and reads every answer until the server
// closes, returning how many bytes came.
func drainAnswers(t *testing.T, nc interface {
	io.Reader
	CloseWrite() error
}) int {
	t.Helper()
	if err := nc.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, nc)
	if err != nil {
		t.Fatalf("reading answers: %v", err)
	}
	return int(n)
}

func TestMessageErrorsAreLoggedTenTimesThenCounted(t *testing.T) {
	t.Parallel()
	var log syncBuffer
	rs := start(t, &server.Server{Logger: logTo(t, &log, slog.LevelInfo)})
	rs.log = &log
	const frames = 10_000
	nc := dialRaw(t, rs.addr)
	send(t, nc, unknownFrames(frames))
	drainAnswers(t, nc.(interface {
		io.Reader
		CloseWrite() error
	}))
	rs.waitLog(t, `\[conn 1\] warning: … and 9,990 more message errors\n.*\[conn 1\] closed: client closed its side; 10000 frames`)
	if got := strings.Count(log.String(), "rejected frame"); got != 10 {
		t.Errorf("%d 'rejected frame' lines, want 10:\n%s", got, log.String())
	}
	// 50 KB of bad frames, and the log stays at a few lines.
	if log.Len() > 2<<10 {
		t.Errorf("%d bytes of log for %d bad frames, want under 2 KiB:\n%s", log.Len(), frames, log.String())
	}
}

// stalledWriter blocks every Write until release is closed, as a pipe
// nobody reads does once it is full.
type stalledWriter struct {
	release chan struct{}
	once    sync.Once
}

func (w *stalledWriter) Write(p []byte) (int, error) {
	<-w.release
	return len(p), nil
}

func (w *stalledWriter) unblock() { w.once.Do(func() { close(w.release) }) }

func TestAStalledLogDoesNotStopAnswers(t *testing.T) {
	t.Parallel()
	w := &stalledWriter{release: make(chan struct{})}
	t.Cleanup(w.unblock) // before the log's Close, which writes out the queue
	rs := start(t, &server.Server{Logger: logTo(t, w, slog.LevelDebug)})
	// One client makes the server log far more than the log's queue holds
	// (two lines per frame at debug level) while the log writes nothing.
	flooder := dialRaw(t, rs.addr)
	send(t, flooder, unknownFrames(20_000))
	drainAnswers(t, flooder.(interface {
		io.Reader
		CloseWrite() error
	}))
	// A newcomer is still answered at once.
	ctx, cancel := context.WithTimeout(context.Background(), mustFinish)
	defer cancel()
	c := dial(t, rs.addr)
	c.Send(frame.Text, []byte("hi"))
	c.Flush()
	done := make(chan error, 1)
	go func() {
		_, _, err := c.Receive()
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("newcomer: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("a newcomer got no answer while the log was stalled")
	}
}
