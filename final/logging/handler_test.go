package logging_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"bytestream/final/logging"
)

// lineRecorder remembers every Write call separately, so a test can check
// that each call carried exactly one whole line.
type lineRecorder struct {
	mu     sync.Mutex
	writes []string
}

func (r *lineRecorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes = append(r.writes, string(p))
	return len(p), nil
}

// newLog returns a logger writing to w through a Handler, and a function
// that closes the handler, so that every line is written.
func newLog(w io.Writer, mode logging.ColorMode, level slog.Level) (*slog.Logger, func()) {
	h := logging.NewHandler(w, mode, level)
	return slog.New(h), func() { h.Close() }
}

func TestLinesNameTheirConnection(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log, done := newLog(&buf, logging.Never, slog.LevelDebug)
	log.Info("listening on 127.0.0.1:9000")
	c := log.With(logging.ConnKey, 3)
	c.Debug(`← TEXT 5B "hello"`)
	c.Debug("→ ACK 5")
	c.Warn("truncated frame: 3 of 5 header bytes")
	log.Error("accept: boom", "retry", "5ms", "why", "too many files")
	done()
	want := []string{
		`^\d\d:\d\d:\d\d\.\d{3} listening on 127\.0\.0\.1:9000$`,
		`^\d\d:\d\d:\d\d\.\d{3} \[conn 3\] ← TEXT 5B "hello"$`,
		`^\d\d:\d\d:\d\d\.\d{3} \[conn 3\] → ACK 5$`,
		`^\d\d:\d\d:\d\d\.\d{3} \[conn 3\] warning: truncated frame: 3 of 5 header bytes$`,
		`^\d\d:\d\d:\d\d\.\d{3} error: accept: boom retry=5ms why="too many files"$`,
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), buf.String())
	}
	for i, re := range want {
		if !regexp.MustCompile(re).MatchString(lines[i]) {
			t.Errorf("line %d = %q, want match for %s", i+1, lines[i], re)
		}
	}
}

func TestFrameLinesOnlyAtDebugLevel(t *testing.T) {
	t.Parallel()
	var quiet, verbose bytes.Buffer
	for _, c := range []struct {
		buf   *bytes.Buffer
		level slog.Level
	}{{&quiet, slog.LevelInfo}, {&verbose, slog.LevelDebug}} {
		log, done := newLog(c.buf, logging.Never, c.level)
		log.With(logging.ConnKey, 1).Debug("← PING 8B")
		done()
	}
	if quiet.Len() != 0 {
		t.Errorf("info-level handler wrote frame lines: %q", quiet.String())
	}
	if !strings.Contains(verbose.String(), "[conn 1] ← PING 8B") {
		t.Errorf("debug-level handler wrote %q, want the PING line", verbose.String())
	}
}

func TestEachLineIsOneWriteUnderConcurrency(t *testing.T) {
	t.Parallel()
	var rec lineRecorder
	log, done := newLog(&rec, logging.Always, slog.LevelDebug)
	const goroutines, perGoroutine = 20, 50
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			c := log.With(logging.ConnKey, g)
			for i := range perGoroutine {
				c.Debug(fmt.Sprintf("→ ACK %d", i))
			}
		})
	}
	wg.Wait()
	done()
	if len(rec.writes) != goroutines*perGoroutine {
		t.Fatalf("%d writes for %d lines", len(rec.writes), goroutines*perGoroutine)
	}
	for _, w := range rec.writes {
		if strings.Count(w, "\n") != 1 || !strings.HasSuffix(w, "\n") {
			t.Fatalf("a write carried %q, want exactly one line", w)
		}
	}
}

// stalledWriter blocks every Write until release is closed, as a pipe
// nobody reads does once it is full.
type stalledWriter struct {
	release chan struct{}
	lineRecorder
}

func (w *stalledWriter) Write(p []byte) (int, error) {
	<-w.release
	return w.lineRecorder.Write(p)
}

func TestAStalledWriterNeverHoldsUpTheLogger(t *testing.T) {
	t.Parallel()
	w := &stalledWriter{release: make(chan struct{})}
	log, done := newLog(w, logging.Never, slog.LevelInfo)
	// Far more than the queue holds: every call must return at once.
	const lines = 100_000
	logged := make(chan struct{})
	go func() {
		defer close(logged)
		for i := range lines {
			log.Info(fmt.Sprintf("line %d", i))
		}
	}()
	select {
	case <-logged:
	case <-time.After(20 * time.Second):
		t.Fatal("logging waited for a stalled writer")
	}
	close(w.release)
	done()

	last := w.writes[len(w.writes)-1]
	m := regexp.MustCompile(`warning: log: ([\d,]+) lines dropped: the log was not read as fast as it was written\n$`).FindStringSubmatch(last)
	if m == nil {
		t.Fatalf("last line %q, want the count of dropped lines", last)
	}
	dropped, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
	if written := len(w.writes) - 1; written+dropped != lines || dropped == 0 {
		t.Fatalf("%d lines written and %d reported dropped, want %d in all, some dropped", written, dropped, lines)
	}
}

func TestColor(t *testing.T) {
	// Not parallel: it sets NO_COLOR for the process.
	cases := []struct {
		mode    logging.ColorMode
		noColor string
		want    bool
	}{
		{logging.Auto, "", false}, // a buffer is not a terminal
		{logging.Always, "", true},
		{logging.Always, "1", true}, // an explicit request beats the environment
		{logging.Never, "", false},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s NO_COLOR=%q", c.mode, c.noColor), func(t *testing.T) {
			t.Setenv("NO_COLOR", c.noColor)
			var buf bytes.Buffer
			log, done := newLog(&buf, c.mode, slog.LevelInfo)
			log.Warn("slow client")
			done()
			if got := strings.Contains(buf.String(), "\x1b["); got != c.want {
				t.Errorf("coloured = %v, want %v: %q", got, c.want, buf.String())
			}
		})
	}
}

func TestAutoDoesNotColourAFileOrPipe(t *testing.T) {
	t.Parallel()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	log, done := newLog(w, logging.Auto, slog.LevelInfo)
	log.Warn("into a pipe")
	done()
	w.Close()
	var buf bytes.Buffer
	buf.ReadFrom(r)
	if strings.Contains(buf.String(), "\x1b[") || !strings.Contains(buf.String(), "warning: into a pipe") {
		t.Fatalf("pipe got %q, want the plain line", buf.String())
	}
}

func TestColorModeFlagValue(t *testing.T) {
	t.Parallel()
	var m logging.ColorMode
	for _, s := range []string{"always", "never", "auto"} {
		if err := m.Set(s); err != nil || m.String() != s {
			t.Errorf("Set(%q): mode %v, err %v", s, m, err)
		}
	}
	if err := m.Set("sometimes"); err == nil {
		t.Error(`Set("sometimes") accepted a mode that does not exist`)
	}
}
