//go:build soak

package soak

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"bytestream/final/bench"
	"bytestream/final/client"
	"bytestream/final/frame"
	"bytestream/final/units"
)

// TestHostileFourGiBDeclarations opens 1,000 connections, then has every
// one declare a 4 GiB DATA frame at once (followed by a little of its
// payload). The server must answer each with the protocol's ERROR and close
// it, without allocating what was declared: the server's peak resident
// memory during the attack may exceed its level with the connections open
// by less than 20 MiB.
func TestHostileFourGiBDeclarations(t *testing.T) {
	n := scaled(1_000, 200)
	srv := startChild(t)
	conns := dialFleet(t, srv.addr, n)
	if failed, err := forEach(n, dialers, func(i int) error { return pingRaw(conns[i], i) }); failed > 0 {
		t.Fatalf("%d of %d connections not served: %v", failed, n, err)
	}
	base := srv.resetPeak()

	declaration := append([]byte{0xff, 0xff, 0xff, 0xff, byte(frame.Data)}, make([]byte, 1024)...)
	for i, c := range conns {
		if _, err := c.Write(declaration); err != nil {
			t.Fatalf("connection %d: send declaration: %v", i, err)
		}
	}
	const want = "frame too large: 4294967295 bytes > limit 16777216"
	failed, err := forEach(n, dialers, func(i int) error {
		text, err := closedAfterError(conns[i])
		if err == nil && text != want {
			err = fmt.Errorf("ERROR %q, want %q", text, want)
		}
		return err
	})
	after := srv.stats()
	peak := growth(base.RSS, after.PeakRSS)
	pingOnce(t, srv.addr)

	threat := fmt.Sprintf("hostile: %s connections declaring 4 GiB", count(n))
	figures.Add(Row{threat, "answered ERROR, then closed", count(n - failed), count(n), failed == 0})
	if failed > 0 {
		t.Errorf("%d of %d connections not refused properly: %v", failed, n, err)
	}
	if !memoryMeasured(t) {
		return
	}
	figures.Add(Row{threat, "server peak RSS growth", mib(peak), "< 20 MiB", peak < 20<<20})
	if peak >= 20<<20 {
		t.Errorf("server peak memory grew by %s, want < 20 MiB (before %+v, after %+v)", mib(peak), base, after)
	}
}

// Slowloris: the frame timeout is short so that the test is. A byte every
// half second is the attack: holding connections open at almost no cost,
// not flooding the server (which would measure the two shared cores). The
// well-behaved client measures in windows that end before any slowloris
// connection can time out, one unloaded and one loaded window per round.
// Each round compares its own two windows, so whatever else the machine is
// doing weighs on both sides alike, and the median round is judged, so one
// round disturbed from outside cannot decide the result.
const (
	slowFrameTimeout = 3 * time.Second
	slowByteEvery    = 500 * time.Millisecond
	slowWindow       = time.Second
	slowRounds       = 5
)

// TestHostileSlowloris measures a well-behaved client's PING round trips
// alone, then while 500 clients each dribble one byte of a frame per
// interval, in five rounds. The dribblers must all be closed at the frame
// timeout — not before, and with the protocol's ERROR — and in the median
// round the well-behaved client's p99 under slowloris must stay within 2×
// of its unloaded p99.
func TestHostileSlowloris(t *testing.T) {
	n := scaled(500, 100)
	srv := startChild(t, "-frame-timeout", slowFrameTimeout.String())
	good := dialClient(t, srv.addr)
	var ratios []float64
	var closedAfter []time.Duration
	var failed, early int
	for round := range slowRounds {
		unloaded := bench.Summarize(pingFor(t, good, slowWindow))
		var loaded bench.Summary
		closes, errs := slowloris(t, srv.addr, n, func() { loaded = bench.Summarize(pingFor(t, good, slowWindow)) })
		for i, err := range errs {
			switch {
			case err != nil:
				failed++
				t.Errorf("dribbler %d: %v", i, err)
			case closes[i] < slowFrameTimeout:
				early++
				t.Errorf("dribbler %d closed after %v, before the %v frame timeout", i, closes[i], slowFrameTimeout)
			}
		}
		closedAfter = append(closedAfter, closes...)
		ratios = append(ratios, float64(loaded.P99)/float64(unloaded.P99))
		t.Logf("round %d: p99 unloaded %v, loaded %v", round+1, unloaded.P99, loaded.P99)
	}

	slices.Sort(closedAfter)
	slices.Sort(ratios)
	median := ratios[len(ratios)/2]
	total := n * slowRounds
	threat := fmt.Sprintf("hostile: %s slowloris clients (× %d rounds)", count(n), slowRounds)
	figures.Add(Row{threat, "closed at the frame timeout, with ERROR",
		fmt.Sprintf("%s, after %s–%s", count(total-failed-early), units.FormatDuration(closedAfter[0]), units.FormatDuration(closedAfter[total-1])),
		fmt.Sprintf("%s, at %v", count(total), slowFrameTimeout), failed+early == 0})
	figures.Add(Row{threat, "good client p99, loaded / unloaded",
		fmt.Sprintf("%.2f× median (rounds %.2f–%.2f×)", median, ratios[0], ratios[len(ratios)-1]), "≤ 2×", median <= 2})
	if median > 2 {
		t.Errorf("well-behaved client's p99 rose %.2f× under slowloris in the median round, more than 2×", median)
	}
}

// slowloris opens n connections that each start a frame declaring 1,000
// bytes of TEXT and then send one more byte per slowByteEvery (it would take
// them over eight minutes to finish). It runs measure while they dribble, then waits
// until the server has closed them all, and returns how long after its first
// byte each one was closed, and what was wrong with each close, if anything.
func slowloris(t *testing.T, addr string, n int, measure func()) ([]time.Duration, []error) {
	t.Helper()
	conns := dialFleet(t, addr, n)
	wire := frame.AppendFrame(nil, frame.Text, []byte(strings.Repeat("z", 1000)))
	started := make([]time.Time, n)
	for i, c := range conns {
		started[i] = time.Now()
		if _, err := c.Write(wire[:1]); err != nil {
			t.Fatalf("dribbler %d: %v", i, err)
		}
	}
	closedAfter := make([]time.Duration, n)
	errs := make([]error, n)
	var readers sync.WaitGroup
	for i, c := range conns {
		readers.Go(func() {
			var text string
			text, errs[i] = closedAfterError(c)
			closedAfter[i] = time.Since(started[i])
			if errs[i] == nil && !strings.Contains(text, "frame timeout") {
				errs[i] = fmt.Errorf("closed with ERROR %q, want a frame timeout", text)
			}
		})
	}
	stop := make(chan struct{})
	dribbled := make(chan struct{})
	go func() {
		defer close(dribbled)
		dribble(conns, wire, stop)
	}()
	measure()
	readers.Wait()
	close(stop)
	<-dribbled
	return closedAfter, errs
}

// dribbleGroups spreads the dribblers over each interval: independent
// attackers would not all send in the same millisecond, and a test that
// makes them do so measures its own bursts.
const dribbleGroups = 20

// dribble sends the next byte of wire on every connection once per
// slowByteEvery, a group at a time, until stop. Connections the server
// closed fail their write and are skipped from then on.
func dribble(conns []net.Conn, wire []byte, stop <-chan struct{}) {
	sent := make([]int, len(conns))
	for i := range sent {
		sent[i] = 1
	}
	tick := time.NewTicker(slowByteEvery / dribbleGroups)
	defer tick.Stop()
	for group := 0; ; group = (group + 1) % dribbleGroups {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		for i := group; i < len(conns); i += dribbleGroups {
			if sent[i] < 0 || sent[i] >= len(wire) {
				continue
			}
			if _, err := conns[i].Write(wire[sent[i] : sent[i]+1]); err != nil {
				sent[i] = -1
				continue
			}
			sent[i]++
		}
	}
}

// dialClient connects a well-behaved client for a whole test (two
// must-finish periods at most), closed when the test ends.
func dialClient(t *testing.T, addr string) *client.Conn {
	t.Helper()
	c, err := dialBounded(addr, time.Now().Add(2*mustFinish))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// pingFor ping-pongs on c for d and returns the round-trip times.
func pingFor(t *testing.T, c *client.Conn, d time.Duration) bench.Samples {
	t.Helper()
	s, err := pingUntil(c, time.Now().Add(d))
	if err != nil {
		t.Fatalf("well-behaved client: %v", err)
	}
	return s
}

// TestHostileResetsMidFrame has 500 connections reset (RST, not FIN) in the
// middle of a header and 500 in the middle of a payload, each after a PING
// that proves the server was serving it. The server must close all of
// them, end their goroutines, and keep serving.
func TestHostileResetsMidFrame(t *testing.T) {
	n := scaled(500, 100)
	srv := startChild(t)
	base := srv.stats().Goroutines
	// seen is how the server's log tells that the reset came mid-frame.
	cases := []struct {
		name string
		wire []byte
		seen string
	}{
		{"mid-header", frame.AppendFrame(nil, frame.Data, make([]byte, 1000))[:3], "(3 of 5 bytes)"},
		{"mid-payload", frame.AppendFrame(nil, frame.Data, make([]byte, 1000))[:400], "(395 of 1000 bytes)"},
	}
	for _, tc := range cases {
		conns := dialFleet(t, srv.addr, n)
		failed, err := forEach(n, dialers, func(i int) error {
			c := conns[i].(*net.TCPConn)
			if err := pingRaw(c, i); err != nil {
				return err
			}
			if _, err := c.Write(tc.wire); err != nil {
				return err
			}
			c.SetLinger(0) // close with a reset
			return c.Close()
		})
		left := srv.waitGoroutines(base)
		pingOnce(t, srv.addr)
		logged := countLines(srv.log.String(), tc.seen, "reset by peer")
		threat := fmt.Sprintf("fault: %s resets %s", count(n), tc.name)
		figures.Add(Row{threat, "seen mid-frame by the server, closed", count(logged), count(n), logged == n})
		figures.Add(Row{threat, "server goroutines afterwards", fmt.Sprintf("%d (baseline %d)", left, base), "baseline", left <= base && failed == 0})
		if logged != n {
			t.Errorf("%s: server logged %d closes for a reset %s, want %d", tc.name, logged, tc.seen, n)
		}
		if failed > 0 {
			t.Errorf("%s: %d of %d connections failed before the reset: %v", tc.name, failed, n, err)
		}
		if left > base {
			t.Errorf("%s: server still runs %d goroutines, %d before the resets", tc.name, left, base)
		}
	}
}

// countLines counts the log lines that contain every one of parts.
func countLines(log string, parts ...string) int {
	var n int
	for line := range strings.Lines(log) {
		if !slices.ContainsFunc(parts, func(p string) bool { return !strings.Contains(line, p) }) {
			n++
		}
	}
	return n
}

// TestHostileGarbage feeds 200 connections each a different seeded stream
// of garbage, 1 byte to 64 KiB long, and half-closes. Every answer must be
// the one the protocol prescribes for those bytes (the model the fuzz
// target uses), every connection must end, and the server must keep
// serving with no goroutine left behind.
func TestHostileGarbage(t *testing.T) {
	n := scaled(200, 50)
	srv := startChild(t)
	base := srv.stats().Goroutines
	var answered, frames int
	var mu sync.Mutex
	failed, err := forEach(n, dialers, func(i int) error {
		seed := uint64(i + 1)
		wire := Garbage(seed, 1+rand.New(rand.NewPCG(seed, 0)).IntN(64<<10))
		got, err := exchange(srv.addr, wire)
		if err != nil {
			return fmt.Errorf("seed %d: %w", seed, err)
		}
		want := expectedAnswers(wire, frame.DefaultMaxPayload)
		if err := checkAnswers(got, want); err != nil {
			return fmt.Errorf("seed %d: %w", seed, err)
		}
		mu.Lock()
		answered++
		frames += len(want)
		mu.Unlock()
		return nil
	})
	left := srv.waitGoroutines(base)
	pingOnce(t, srv.addr)
	threat := fmt.Sprintf("hostile: %s streams of seeded garbage", count(n))
	figures.Add(Row{threat, "answered exactly per protocol, then closed",
		fmt.Sprintf("%s (%s answers)", count(answered), count(frames)), count(n), failed == 0})
	figures.Add(Row{threat, "server goroutines afterwards", fmt.Sprintf("%d (baseline %d)", left, base), "baseline", left <= base})
	if failed > 0 {
		t.Errorf("%d of %d garbage streams mishandled: %v", failed, n, err)
	}
	if left > base {
		t.Errorf("server still runs %d goroutines, %d before the garbage", left, base)
	}
}

// exchange sends wire on a new connection while reading, half-closes, and
// returns everything the server sent until it closed.
func exchange(addr string, wire []byte) ([]byte, error) {
	c, err := net.DialTimeout("tcp", addr, mustFinish)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(mustFinish))
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		c.Write(wire) // the server may close first; its answers tell
		c.(*net.TCPConn).CloseWrite()
	}()
	got, err := io.ReadAll(c)
	<-sent
	if err != nil && !isClosed(err) {
		return got, fmt.Errorf("read answers: %w", err)
	}
	return got, nil
}

// Never-reading clients: a short write timeout, and a small receive buffer
// on the client so the kernel stops absorbing answers after a few KiB.
const (
	stallWriteTimeout  = 2 * time.Second
	stallPing          = 16 << 10
	stallReceiveBuffer = 4 << 10
)

// TestHostileClientsThatNeverRead has 100 clients pipeline 16 KiB PINGs
// without ever reading a PONG. The server must stop reading from each once
// its answers cannot be delivered (so its buffering stays bounded), close
// it at the write timeout, and grow by a bounded amount per client.
func TestHostileClientsThatNeverRead(t *testing.T) {
	n := scaled(100, 20)
	srv := startChild(t, "-write-timeout", stallWriteTimeout.String())
	base := srv.resetPeak()
	dialer := net.Dialer{Timeout: mustFinish, Control: smallReceiveBuffer}

	lifetimes := make([]time.Duration, n)
	failed, err := forEach(n, n, func(i int) error {
		opened := time.Now() // before the dial: the server's clock starts later
		c, err := dialer.Dial("tcp", srv.addr)
		if err != nil {
			return err
		}
		defer c.Close()
		err = pipelineUntilClosed(c)
		lifetimes[i] = time.Since(opened)
		// The server renews its write deadline lazily, so it may close a
		// stalled client from three quarters of the write timeout on.
		if err == nil && lifetimes[i] < stallWriteTimeout*3/4 {
			err = fmt.Errorf("closed after %v, before the %v write timeout", lifetimes[i], stallWriteTimeout)
		}
		return err
	})
	after := srv.stats()
	pingOnce(t, srv.addr)
	per := growth(base.RSS, after.PeakRSS) / float64(n)
	slices.Sort(lifetimes)
	threat := fmt.Sprintf("hostile: %s clients that never read", count(n))
	figures.Add(Row{threat, "closed at the write timeout",
		fmt.Sprintf("%s, after %s–%s", count(n-failed), units.FormatDuration(lifetimes[0]), units.FormatDuration(lifetimes[n-1])),
		fmt.Sprintf("%s, at %v", count(n), stallWriteTimeout), failed == 0})
	if failed > 0 {
		t.Errorf("%d of %d never-reading clients not closed at the write timeout: %v", failed, n, err)
	}
	if !memoryMeasured(t) {
		return
	}
	figures.Add(Row{threat, "server peak RSS growth per client", kib(per), "≤ 64 KiB", per <= 64<<10})
	if per > 64<<10 {
		t.Errorf("server peak memory grew by %s per never-reading client, want ≤ 64 KiB (before %+v, after %+v)", kib(per), base, after)
	}
}

// smallReceiveBuffer shrinks a client socket's receive buffer before it
// connects, so the server's answers back up after a few KiB.
func smallReceiveBuffer(_, _ string, rc syscall.RawConn) error {
	var err error
	rc.Control(func(fd uintptr) {
		err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, stallReceiveBuffer)
	})
	return err
}

// pipelineUntilClosed writes PINGs on c and never reads, until a write
// fails because the server closed the connection.
func pipelineUntilClosed(c net.Conn) error {
	ping := frame.AppendFrame(nil, frame.Ping, make([]byte, stallPing))
	c.SetWriteDeadline(time.Now().Add(mustFinish))
	for {
		if _, err := c.Write(ping); err != nil {
			if !isClosed(err) {
				return fmt.Errorf("the server never closed: %w", err)
			}
			return nil
		}
	}
}

// Silent connections: a short idle timeout so the test is.
const silentIdleTimeout = 2 * time.Second

// TestHostileSilentAndHalfClosedConnections covers connections whose
// client says nothing more. A half-open connection — the client vanished
// without a FIN or a reset — looks to the server exactly like a client that
// connected and stays silent: 500 of those must be closed at the idle
// timeout, not before. And 500 clients that half-close after pipelining
// must get every answer, then a clean close.
func TestHostileSilentAndHalfClosedConnections(t *testing.T) {
	n := scaled(500, 100)
	srv := startChild(t, "-idle-timeout", silentIdleTimeout.String())
	base := srv.stats().Goroutines

	// Each connection's clock starts before it dials: the server cannot
	// start its idle timer any earlier, so no correct server closes it
	// before the idle timeout on this clock.
	closedAfter := make([]time.Duration, n)
	failedSilent, errSilent := forEach(n, n, func(i int) error {
		opened := time.Now()
		c, err := net.DialTimeout("tcp", srv.addr, mustFinish)
		if err != nil {
			return err
		}
		defer c.Close()
		text, err := closedAfterError(c)
		closedAfter[i] = time.Since(opened)
		if err == nil && text != "" {
			err = fmt.Errorf("idle close sent ERROR %q", text)
		}
		return err
	})
	var early int
	for _, d := range closedAfter {
		if d < silentIdleTimeout {
			early++
		}
	}
	slices.Sort(closedAfter)

	failedHalf, errHalf := forEach(n, dialers, func(i int) error { return halfCloseAfter(srv.addr, 10) })
	left := srv.waitGoroutines(base)

	threat := fmt.Sprintf("fault: %s silent (half-open) connections", count(n))
	figures.Add(Row{threat, "closed at the idle timeout",
		fmt.Sprintf("%s, after %s–%s", count(n-failedSilent-early), units.FormatDuration(closedAfter[0]), units.FormatDuration(closedAfter[n-1])),
		fmt.Sprintf("%s, at %v", count(n), silentIdleTimeout), failedSilent+early == 0})
	figures.Add(Row{fmt.Sprintf("fault: %s half-closing clients", count(n)), "answered in full, then closed cleanly",
		count(n - failedHalf), count(n), failedHalf == 0})
	if failedSilent+early > 0 {
		t.Errorf("%d silent connections not closed, %d closed before the idle timeout: %v", failedSilent, early, errSilent)
	}
	if failedHalf > 0 {
		t.Errorf("%d of %d half-closing clients not answered in full: %v", failedHalf, n, errHalf)
	}
	if left > base {
		t.Errorf("server still runs %d goroutines, %d before", left, base)
	}
}

// halfCloseAfter pipelines k TEXT frames, half-closes, and expects k ACKs
// with the right totals, then a clean end of stream.
func halfCloseAfter(addr string, k int) error {
	c, err := dialBounded(addr, time.Now().Add(mustFinish))
	if err != nil {
		return err
	}
	defer c.Close()
	for range k {
		if err := c.Send(frame.Text, []byte("hello")); err != nil {
			return err
		}
	}
	if err := c.CloseWrite(); err != nil {
		return err
	}
	for i := 1; i <= k; i++ {
		h, p, err := c.Receive()
		if err != nil {
			return fmt.Errorf("answer %d: %w", i, err)
		}
		if total, err := frame.AckTotal(p); h.Type != frame.Ack || err != nil || total != uint64(5*i) {
			return fmt.Errorf("answer %d: %s %x, want ACK %d", i, h.Type, p, 5*i)
		}
	}
	if _, _, err := c.Receive(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("after the last answer: %v, want a clean end of stream", err)
	}
	return nil
}
