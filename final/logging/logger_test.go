package logging_test

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

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

func TestLinesNameTheirConnection(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := logging.New(&buf, logging.Never)
	log.SetVerbose(true)
	log.Printf("listening on %s", "127.0.0.1:9000")
	c := log.Conn(3)
	c.Recv("TEXT 5B %s", logging.Preview([]byte("hello")))
	c.Sent("ACK %d", 5)
	c.Warnf("truncated frame: %d of %d header bytes", 3, 5)
	log.Errorf("accept: %v", "boom")

	want := []string{
		`^\d\d:\d\d:\d\d\.\d{3} listening on 127\.0\.0\.1:9000$`,
		`^\d\d:\d\d:\d\d\.\d{3} \[conn 3\] ← TEXT 5B "hello"$`,
		`^\d\d:\d\d:\d\d\.\d{3} \[conn 3\] → ACK 5$`,
		`^\d\d:\d\d:\d\d\.\d{3} \[conn 3\] warning: truncated frame: 3 of 5 header bytes$`,
		`^\d\d:\d\d:\d\d\.\d{3} error: accept: boom$`,
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

func TestFrameLinesOnlyWhenVerbose(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := logging.New(&buf, logging.Never)
	c := log.Conn(1)
	c.Recv("PING 8B")
	c.Sent("PONG 8B")
	if buf.Len() != 0 {
		t.Fatalf("quiet logger wrote frame lines: %q", buf.String())
	}
	log.SetVerbose(true)
	c.Recv("PING 8B")
	if !strings.Contains(buf.String(), "← PING 8B") {
		t.Fatalf("verbose logger wrote %q, want the PING line", buf.String())
	}
}

func TestQuietFrameLoggingDoesNotAllocate(t *testing.T) {
	log := logging.New(&bytes.Buffer{}, logging.Never)
	c := log.Conn(1)
	payload := []byte("hello")
	allocs := testing.AllocsPerRun(1000, func() {
		if c.Verbose() {
			c.Recv("TEXT %dB %s", len(payload), logging.Preview(payload))
		}
	})
	if allocs != 0 {
		t.Fatalf("guarded frame logging allocated %.1f times per call while quiet", allocs)
	}
}

func TestNilLoggerDiscards(t *testing.T) {
	t.Parallel()
	var log *logging.Logger
	log.Printf("nothing")
	log.Warnf("nothing")
	log.Errorf("nothing")
	c := log.Conn(7)
	c.Printf("nothing")
	c.Recv("nothing")
	if log.Verbose() || c.Verbose() {
		t.Fatal("a nil logger claims to be verbose")
	}
}

func TestEachLineIsOneWriteUnderConcurrency(t *testing.T) {
	t.Parallel()
	var rec lineRecorder
	log := logging.New(&rec, logging.Always)
	log.SetVerbose(true)
	const goroutines, perGoroutine = 20, 50
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			c := log.Conn(uint64(g))
			for i := range perGoroutine {
				c.Sent("ACK %d", i)
			}
		})
	}
	wg.Wait()
	if len(rec.writes) != goroutines*perGoroutine {
		t.Fatalf("%d writes for %d lines", len(rec.writes), goroutines*perGoroutine)
	}
	for _, w := range rec.writes {
		if strings.Count(w, "\n") != 1 || !strings.HasSuffix(w, "\n") {
			t.Fatalf("a write carried %q, want exactly one line", w)
		}
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
			logging.New(&buf, c.mode).Warnf("slow client")
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
	logging.New(w, logging.Auto).Warnf("into a pipe")
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

func TestPreviewCutsLongPayloads(t *testing.T) {
	t.Parallel()
	if got := logging.Preview([]byte("hi\x00")); got != `"hi\x00"` {
		t.Errorf("Preview = %s", got)
	}
	long := logging.Preview(bytes.Repeat([]byte("a"), 100))
	if !strings.HasSuffix(long, `"…`) || len(long) > 50 {
		t.Errorf("Preview of 100 bytes = %s", long)
	}
}
