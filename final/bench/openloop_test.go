package bench

import (
	"context"
	"errors"
	"net"
	"sync"
	"syscall"
	"testing"
	"time"

	"bytestream/final/client"
	"bytestream/final/frame"
)

// startStallingServer answers PINGs with PONGs, but once, before answering
// its after-th PING, sleeps for stall: a garbage-collection pause, a page
// fault storm, a noisy neighbour.
func startStallingServer(t *testing.T, after int, stall time.Duration) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns sync.WaitGroup
	conns.Go(func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r, w := frame.NewReader(c), frame.NewWriter(c)
		for n := 1; ; n++ {
			h, p, err := r.ReadFrame()
			if err != nil {
				return
			}
			if n == after {
				w.Flush()
				time.Sleep(stall)
			}
			if h.Type == frame.Ping {
				w.WriteFrame(frame.Pong, p)
			}
			if r.Buffered() == 0 && w.Flush() != nil {
				return
			}
		}
	})
	t.Cleanup(func() { l.Close(); conns.Wait() })
	return l.Addr().String()
}

const stall = 50 * time.Millisecond

func dialT(t *testing.T, addr string) *client.Conn {
	t.Helper()
	c, err := client.Dial(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Coordinated omission, measured. The closed loop waits out the stall on
// one request and sends the next only afterwards: one slow sample in
// 5,000, and its p99 never sees it. Noise on a busy machine only adds slow
// samples, so the closed loop's p99 staying under half the stall means
// fewer than 50 noisy ones.
func TestTheClosedLoopHidesAStall(t *testing.T) {
	t.Parallel()
	c := dialT(t, startStallingServer(t, 1000, stall))
	samples, err := pingPong(c, 8, 0, 5000, new(progress))
	if err != nil {
		t.Fatal(err)
	}
	s := Summarize(samples)
	if s.Max < stall {
		t.Fatalf("closed loop: max %v, want the %v stall in it", s.Max, stall)
	}
	t.Logf("closed loop, %d round trips: p50 %v, p99 %v, max %v", s.Count, s.P50, s.P99, s.Max)
	if s.P99 >= stall/2 {
		t.Errorf("closed loop: p99 %v, want under %v: one stalled round trip in 5,000 should not reach the p99", s.P99, stall/2)
	}
}

// The open loop keeps sending 5,000 PINGs a second through the stall:
// about 250 of 2,000 are due while the server sleeps, and each waits for
// what is left of it, so well over 1% wait more than half the stall. Noise
// only makes waits longer, so this cannot pass by luck or fail by it.
func TestTheOpenLoopShowsTheStall(t *testing.T) {
	t.Parallel()
	c := dialT(t, startStallingServer(t, 500, stall))
	s := schedule{start: time.Now(), rate: 5000, conns: 1, index: 0, until: 400 * time.Millisecond}
	res, err := openLoop(&framedLoop{c: c, payload: make([]byte, 8)}, s, openWindow(1, 13), new(progress))
	if err != nil {
		t.Fatal(err)
	}
	if res.due != 2000 || res.sent != 2000 || res.answered != 2000 {
		t.Fatalf("open loop: %d due, %d sent, %d answered; want 2,000 each", res.due, res.sent, res.answered)
	}
	p99 := time.Duration(res.latency.ValueAtPercentile(99))
	t.Logf("open loop, %d requests: p50 %v, p99 %v, max %v", res.answered, time.Duration(res.latency.ValueAtPercentile(50)), p99, time.Duration(res.latency.Max()))
	if p99 < stall/2 {
		t.Errorf("open loop: p99 %v, want at least %v: the requests due during the stall waited", p99, stall/2)
	}
}

func TestAScheduleInterleavesTheConnections(t *testing.T) {
	t.Parallel()
	// 1,000 per second over 4 connections for 10 ms: 10 requests, due
	// every millisecond, dealt out in turn.
	var dues []time.Duration
	total := int64(0)
	for i := range 4 {
		s := schedule{rate: 1000, conns: 4, index: i, until: 10 * time.Millisecond}
		total += s.count()
		for k := range s.count() {
			dues = append(dues, s.due(k))
		}
	}
	if total != 10 {
		t.Fatalf("%d requests due, want 10", total)
	}
	seen := map[time.Duration]bool{}
	for _, d := range dues {
		if d%time.Millisecond != 0 || d >= 10*time.Millisecond || seen[d] {
			t.Errorf("due time %v: want each whole millisecond below 10 ms once", d)
		}
		seen[d] = true
	}
}

// failingLoop is a connection to something that is not a ByteStream
// server: its first answer is garbage, and every send meets a broken pipe.
type failingLoop struct{ answer error }

func (l *failingLoop) send() error       { return syscall.EPIPE }
func (l *failingLoop) flush() error      { return nil }
func (l *failingLoop) receive() error    { return l.answer }
func (l *failingLoop) closeWrite() error { return nil }
func (l *failingLoop) Close() error      { return nil }

// Against an HTTP server, the open loop reported the sender's "broken
// pipe" and hid the answer that says what the other end is.
func TestTheOpenLoopReportsWhatCameBackOverTheSendersEcho(t *testing.T) {
	t.Parallel()
	notFrames := errors.New(`frame too large: 1213486160 bytes > limit 16777216 (the stream starts with "HTTP/")`)
	s := schedule{start: time.Now(), rate: 1000, conns: 1, until: 100 * time.Millisecond}
	_, err := openLoop(&failingLoop{answer: notFrames}, s, openWindow(1, 13), new(progress))
	if !errors.Is(err, notFrames) {
		t.Errorf("open loop against an HTTP server: %v, want the answer's error", err)
	}
}
