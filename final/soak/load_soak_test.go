//go:build soak

package soak

import (
	"encoding/binary"
	"fmt"
	"sync"
	"testing"
	"time"

	"bytestream/final/bench"
	"bytestream/final/client"
	"bytestream/final/units"
)

// TestLoadHoldsTenThousandIdleConnections opens 10,000 connections, has
// each answer a PING (so every one is accepted and served, not waiting in
// the accept queue), measures the server, and pings them all again to show
// none was dropped. Memory per connection is the growth of the server
// process divided by the count: resident memory (VmRSS, after a GC that
// returns freed pages) and Go's own heap-plus-stacks figure. Kernel socket
// buffers belong to the kernel and are in neither.
func TestLoadHoldsTenThousandIdleConnections(t *testing.T) {
	n := scaled(10_000, 1_000)
	raiseFileLimit(t, uint64(n)+1_000)
	srv := startChild(t, "-idle-timeout", "10m")
	before := srv.stats()

	conns := dialFleet(t, srv.addr, n)
	failed, err := forEach(n, dialers, func(i int) error { return pingRaw(conns[i], i) })
	if failed > 0 {
		t.Fatalf("%d of %d new connections not served: %v", failed, n, err)
	}
	after := srv.stats()
	stillServed, err := forEach(n, dialers, func(i int) error { return pingRaw(conns[i], i) })
	held := n - stillServed

	perRSS := growth(before.RSS, after.RSS) / float64(n)
	perLive := growth(before.Live(), after.Live()) / float64(n)
	threat := fmt.Sprintf("load: %s idle connections", count(n))
	figures.Add(Row{threat, "connections held and served", count(held), count(n), held == n})
	if held != n {
		t.Errorf("%d of %d idle connections no longer served: %v", n-held, n, err)
	}
	t.Logf("server before: %+v", before)
	t.Logf("server after %d connections: %+v", n, after)
	if memoryMeasured(t) {
		figures.Add(Row{threat, "server RSS per connection", kib(perRSS), "≤ 32 KiB", perRSS <= 32<<10})
		figures.Add(Row{threat, "server Go heap + stacks per connection", kib(perLive), "≤ 32 KiB", perLive <= 32<<10})
		if perRSS > 32<<10 || perLive > 32<<10 {
			t.Errorf("server memory per idle connection: RSS %s, heap+stacks %s; want ≤ 32 KiB", kib(perRSS), kib(perLive))
		}
	}
	if g := after.Goroutines - before.Goroutines; g > n+16 {
		t.Errorf("%d connections cost %d goroutines, want about one each", n, g)
	}
}

// TestLoadThousandClientsPingPong runs 1,000 clients that each send a PING,
// wait for its PONG and repeat, all at once for 10 seconds. Every round
// trip must succeed; the latency percentiles are over every round trip of
// every client.
func TestLoadThousandClientsPingPong(t *testing.T) {
	n := scaled(1_000, 100)
	duration := scaled(10*time.Second, 3*time.Second)
	srv := startChild(t)

	clients := make([]*client.Conn, n)
	deadline := time.Now().Add(duration + mustFinish)
	failed, err := forEach(n, dialers, func(i int) error {
		c, err := dialBounded(srv.addr, deadline)
		clients[i] = c
		return err
	})
	t.Cleanup(func() {
		for _, c := range clients {
			if c != nil {
				c.Close()
			}
		}
	})
	if failed > 0 {
		t.Fatalf("%d of %d clients failed to connect: %v", failed, n, err)
	}

	samples := make([]bench.Samples, n)
	errs := make([]error, n)
	end := time.Now().Add(duration)
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() { samples[i], errs[i] = pingUntil(c, end) })
	}
	wg.Wait()

	var failures int
	for i, err := range errs {
		if err != nil {
			failures++
			t.Errorf("client %d: %v", i, err)
		}
	}
	all := bench.Merge(samples...)
	sum := bench.Summarize(all)
	threat := fmt.Sprintf("load: %s clients ping-ponging for %v", count(n), duration)
	figures.Add(Row{threat, "failed clients", fmt.Sprintf("%d (%s round trips, %s/s)", failures, count(sum.Count),
		count(int(float64(sum.Count)/duration.Seconds()))), "0", failures == 0})
	figures.Add(Row{threat, "round trip p50 / p99", fmt.Sprintf("%s / %s", units.FormatDuration(sum.P50), units.FormatDuration(sum.P99)), "reported", true})
	t.Logf("round trips: %+v", sum)
}

// pingUntil ping-pongs on c until end and returns every round-trip time;
// each PING carries a sequence number, so a misordered PONG is caught.
func pingUntil(c *client.Conn, end time.Time) (bench.Samples, error) {
	var s bench.Samples
	payload := make([]byte, 8)
	for seq := uint64(0); time.Now().Before(end); seq++ {
		binary.BigEndian.PutUint64(payload, seq)
		rtt, err := c.Ping(payload)
		if err != nil {
			return s, fmt.Errorf("round trip %d: %w", seq, err)
		}
		s = append(s, rtt)
	}
	return s, nil
}
