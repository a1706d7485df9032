package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"bytestream/final/client"
	"bytestream/final/frame"
)

// OpenRun is one open-loop run: a rate offered on every connection
// together for a while, and what came back.
type OpenRun struct {
	// Offered is the rate asked for, requests per second over all
	// connections; Achieved is the answers per second that came back,
	// from the first due time to the last answer.
	Offered  float64 `json:"offered_rate"`
	Achieved float64 `json:"achieved_rate"`
	Seconds  float64 `json:"seconds"`
	// Due is how many requests the schedule held; Sent falls short of it
	// when the sender was so far behind that it stopped (see Lag).
	Due      int64 `json:"due"`
	Sent     int64 `json:"sent"`
	Answered int64 `json:"answered"`
	// Latency runs from each request's due time to its answer: the wait
	// a user arriving on schedule sees, queueing included.
	Latency HDRSummary `json:"latency"`
	// Lag is how late the sender put each request on the wire: near zero
	// while the client keeps up; when it grows, the client (or the
	// window of unanswered requests) was the bottleneck.
	Lag HDRSummary `json:"lag"`
}

// HDRSummary is read from an HDR histogram (three significant figures):
// the percentiles that matter for a latency-versus-load curve.
type HDRSummary struct {
	Count int64         `json:"count"`
	P50   time.Duration `json:"p50_ns"`
	P90   time.Duration `json:"p90_ns"`
	P99   time.Duration `json:"p99_ns"`
	P999  time.Duration `json:"p999_ns"`
	P9999 time.Duration `json:"p9999_ns"`
	Max   time.Duration `json:"max_ns"`
	Mean  time.Duration `json:"mean_ns"`
}

func summarizeHDR(h *hdrhistogram.Histogram) HDRSummary {
	if h.TotalCount() == 0 {
		return HDRSummary{}
	}
	at := func(p float64) time.Duration { return time.Duration(h.ValueAtPercentile(p)) }
	return HDRSummary{
		Count: h.TotalCount(),
		P50:   at(50), P90: at(90), P99: at(99), P999: at(99.9), P9999: at(99.99),
		Max:  time.Duration(h.Max()),
		Mean: time.Duration(h.Mean()),
	}
}

// OpenLoop is what `final bench -rate` reports: the open loop on the
// framed server and on the raw echo, on the same schedule, and a closed
// loop on the same connections for as long, for comparison.
type OpenLoop struct {
	Framed OpenRun  `json:"framed"`
	Raw    *OpenRun `json:"raw"` // null when the baseline was skipped
	// Closed is one PING at a time per connection for the same time: the
	// latency a closed-loop benchmark would report for the same server.
	Closed Summary `json:"closed_loop"`
}

// openWindow bounds the unanswered requests per connection: enough for
// any rate the server can answer, while a server far behind holds the
// sender back instead of a backlog that outlives the run.
func openWindow(conns, wire int) int64 {
	return max(inFlightTotal/int64(max(conns, 1))/int64(max(wire, 1)), 16)
}

// openFramed runs the open loop at rate on fresh framed connections.
func (e *env) openFramed(ctx context.Context, rate float64) (OpenRun, error) {
	conns, err := dialFramed(ctx, e.addr, e.cfg.Conns, e.cfg.Timeout)
	defer closeAll(conns)
	if err != nil {
		return OpenRun{}, err
	}
	loops := make([]loopConn, len(conns))
	for i, c := range conns {
		loops[i] = &framedLoop{c: c, payload: zeros(e.cfg.PingSize)}
	}
	return e.openOn(ctx, loops, rate)
}

// openRaw runs the same schedule against the raw echo.
func (e *env) openRaw(ctx context.Context, rate float64) (OpenRun, error) {
	conns, err := dialRaw(ctx, e.raw.EchoAddr(), e.cfg.Conns, e.cfg.Timeout)
	defer closeAll(conns)
	if err != nil {
		return OpenRun{}, err
	}
	loops := make([]loopConn, len(conns))
	for i, c := range conns {
		loops[i] = newRawLoop(c, frame.HeaderLen+e.cfg.PingSize)
	}
	return e.openOn(ctx, loops, rate)
}

func (e *env) openOn(ctx context.Context, loops []loopConn, rate float64) (OpenRun, error) {
	window := openWindow(len(loops), frame.HeaderLen+e.cfg.PingSize)
	start := time.Now()
	results, err := together(ctx, e.cfg.Timeout, loops, func(i int, l loopConn, p *progress) (loopResult, error) {
		s := schedule{start: start, rate: rate, conns: len(loops), index: i, until: e.cfg.Duration}
		return openLoop(l, s, window, p)
	})
	if err != nil {
		return OpenRun{}, err
	}
	return mergeOpen(rate, start, results), nil
}

// mergeOpen adds up the connections' results: histograms merged, counts
// summed, the achieved rate over the time until the last answer.
func mergeOpen(rate float64, start time.Time, results []loopResult) OpenRun {
	latency, lag := newHistogram(), newHistogram()
	run := OpenRun{Offered: rate}
	var last time.Time
	for _, r := range results {
		latency.Merge(r.latency)
		lag.Merge(r.lag)
		run.Due += r.due
		run.Sent += r.sent
		run.Answered += r.answered
		if r.last.After(last) {
			last = r.last
		}
	}
	if secs := last.Sub(start).Seconds(); secs > 0 {
		run.Seconds, run.Achieved = secs, float64(run.Answered)/secs
	}
	run.Latency, run.Lag = summarizeHDR(latency), summarizeHDR(lag)
	return run
}

// openLoopExperiment is `-rate`: the framed open loop, the raw one on the
// same schedule, then the closed loop for comparison.
func (e *env) openLoopExperiment(ctx context.Context, rep *Report) error {
	rate := e.cfg.Rate
	if err := e.next(ctx, fmt.Sprintf("open loop at %s requests/s", formatCount(rate))); err != nil {
		return err
	}
	framed, err := e.openFramed(ctx, rate)
	if err != nil {
		return fmt.Errorf("open loop: %w", err)
	}
	open := &OpenLoop{Framed: framed}
	if e.raw != nil {
		raw, err := e.openRaw(ctx, rate)
		if err != nil {
			return fmt.Errorf("raw open loop: %w", err)
		}
		open.Raw = &raw
	}
	if err := e.next(ctx, "closed loop, for comparison"); err != nil {
		return err
	}
	sets, err := onFramed(ctx, e, func(_ int, c *client.Conn, p *progress) (Samples, error) {
		return pingFor(c, e.cfg.PingSize, e.cfg.Duration, p)
	})
	if err != nil {
		return fmt.Errorf("closed loop: %w", err)
	}
	open.Closed = Summarize(Merge(sets...))
	rep.OpenLoop = open
	return nil
}

// pingFor is the closed loop for a time: one PING, wait for its PONG,
// the next, until d has passed.
func pingFor(c *client.Conn, size int, d time.Duration, p *progress) (Samples, error) {
	payload := make([]byte, size)
	var samples Samples
	for start := time.Now(); time.Since(start) < d; {
		rtt, err := c.Ping(payload)
		if err != nil {
			return samples, fmt.Errorf("ping %d: %w", len(samples)+1, err)
		}
		samples = append(samples, rtt)
		p.tick()
	}
	return samples, nil
}
