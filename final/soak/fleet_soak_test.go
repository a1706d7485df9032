//go:build soak

package soak

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"bytestream/final/frame"
	"bytestream/final/units"
)

// The soak tests do not call t.Parallel: each one measures, and on two
// cores two attacks at once would measure each other.

// scaled returns full, or race when running under the race detector.
func scaled[T any](full, race T) T {
	if raceEnabled {
		return race
	}
	return full
}

// memoryMeasured says whether memory figures mean anything in this run:
// the race detector's shadow memory multiplies a process's footprint, so
// under -race the memory rows are left out of the table.
func memoryMeasured(t *testing.T) bool {
	if raceEnabled {
		t.Log("memory not measured under -race: the detector's shadow memory would dominate it")
	}
	return !raceEnabled
}

// raiseFileLimit lets this process, and the server children it starts
// afterwards, open need files: it raises the soft RLIMIT_NOFILE to the hard
// limit. Setting it explicitly also stops Go from restoring the old soft
// limit in children.
func raiseFileLimit(t *testing.T, need uint64) {
	t.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatalf("read open-file limit: %v", err)
	}
	if lim.Max < need {
		t.Fatalf("this test needs %d open files; the hard limit is %d (raise it with ulimit -Hn)", need, lim.Max)
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatalf("raise open-file limit: %v", err)
	}
}

// dialers is how many connections a fleet opens at once: enough to fill
// the server's accept queue quickly, few enough never to overflow it.
const dialers = 64

// forEach runs fn for every index in [0, n) on at most workers goroutines
// and returns how many calls failed and the first failure.
func forEach(n, workers int, fn func(i int) error) (failed int, first error) {
	var (
		next  atomic.Int64
		mu    sync.Mutex
		wg    sync.WaitGroup
		count int
	)
	for range min(workers, n) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if err := fn(i); err != nil {
					mu.Lock()
					count++
					if first == nil {
						first = fmt.Errorf("#%d: %w", i, err)
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return count, first
}

// dialFleet opens n plain TCP connections to addr, closed when the test
// ends. Plain sockets, not client.Conns: ten thousand idle clients should
// cost the test kilobytes, not the 32 KiB of buffers each client.Conn has.
func dialFleet(t *testing.T, addr string, n int) []net.Conn {
	t.Helper()
	conns := make([]net.Conn, n)
	t.Cleanup(func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	})
	failed, err := forEach(n, dialers, func(i int) error {
		c, err := net.DialTimeout("tcp", addr, mustFinish)
		conns[i] = c
		return err
	})
	if failed > 0 {
		t.Fatalf("%d of %d connections failed to open: %v", failed, n, err)
	}
	return conns
}

// pingRaw sends one PING carrying seq on a plain connection and checks the
// PONG that answers it.
func pingRaw(c net.Conn, seq int) error {
	c.SetDeadline(time.Now().Add(mustFinish))
	defer c.SetDeadline(time.Time{})
	payload := fmt.Appendf(nil, "ping %d", seq)
	if _, err := c.Write(frame.AppendFrame(nil, frame.Ping, payload)); err != nil {
		return err
	}
	h, p, err := frame.NewReaderSize(c, 64).ReadFrame()
	if err != nil {
		return err
	}
	if h.Type != frame.Pong || string(p) != string(payload) {
		return fmt.Errorf("PING %q answered with %s %q", payload, h.Type, p)
	}
	return nil
}

// closedAfterError reads what the server says before it closes c: it
// returns the text of the ERROR frame it sent (or "" if none), and an error
// unless the connection then ended, cleanly or by a reset.
func closedAfterError(c net.Conn) (string, error) {
	c.SetReadDeadline(time.Now().Add(mustFinish))
	r := frame.NewReaderSize(c, 256)
	var text string
	for {
		h, p, err := r.ReadFrame()
		switch {
		case err == nil && h.Type == frame.Error && text == "":
			text = string(p)
		case err == nil:
			return text, fmt.Errorf("unexpected %s frame %q before close", h.Type, p)
		case isClosed(err):
			return text, nil
		default:
			return text, fmt.Errorf("waiting for the server to close: %w", err)
		}
	}
}

// isClosed reports whether err means the peer closed the connection: a
// clean end of stream, or a reset (a server that closes with input unread
// resets the connection).
func isClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// kib and mib format byte counts for the figures table.
func kib(bytes float64) string { return fmt.Sprintf("%.1f KiB", bytes/1024) }
func mib(bytes float64) string { return fmt.Sprintf("%.1f MiB", bytes/(1<<20)) }

// growth is after minus before, or 0 if memory shrank.
func growth(before, after uint64) float64 {
	if after < before {
		return 0
	}
	return float64(after - before)
}

// count formats n with thousands separators: "10,000".
func count(n int) string { return units.FormatCount(int64(n)) }
