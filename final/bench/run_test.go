package bench

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"bytestream/final/client"
	"bytestream/final/server"
	"bytestream/final/server/servertest"
)

func TestRunMeasuresEveryModeAtEverySize(t *testing.T) {
	t.Parallel()
	rep := mustTinyReport(t)
	cfg := tinyConfig()
	if want := 3 * len(cfg.Sizes); len(rep.Throughput) != want {
		t.Fatalf("%d throughput rows, want %d (3 modes × %d sizes): %+v", len(rep.Throughput), want, len(cfg.Sizes), rep.Throughput)
	}
	for _, size := range cfg.Sizes {
		for _, mode := range []string{StopAndWait, Pipelined, RawStream} {
			row, ok := rep.row(mode, size)
			if !ok {
				t.Errorf("no %s row for %d bytes", mode, size)
				continue
			}
			if row.Frames < 1 || row.Seconds <= 0 || row.PayloadMiBs <= 0 {
				t.Errorf("%s %d B measured nothing: %+v", mode, size, row)
			}
		}
	}
}

func TestPipelinedFinalAckTotalEqualsBytesSent(t *testing.T) {
	t.Parallel()
	rep := mustTinyReport(t)
	for _, size := range tinyConfig().Sizes {
		row, _ := rep.row(Pipelined, size)
		if row.AckTotal != uint64(row.PayloadBytes) || row.PayloadBytes != row.Frames*int64(size) {
			t.Errorf("pipelined %d B: %d frames, %d payload bytes, final ACK totals %d", size, row.Frames, row.PayloadBytes, row.AckTotal)
		}
	}
}

func TestRawStreamSendsTheBytesThePipelinedClientsSent(t *testing.T) {
	t.Parallel()
	rep := mustTinyReport(t)
	for _, size := range tinyConfig().Sizes {
		framed, _ := rep.row(Pipelined, size)
		raw, _ := rep.row(RawStream, size)
		if raw.PayloadBytes != framed.PayloadBytes || raw.AckTotal != uint64(raw.PayloadBytes) {
			t.Errorf("%d B: raw sent %d bytes (sink counted %d), pipelined sent %d", size, raw.PayloadBytes, raw.AckTotal, framed.PayloadBytes)
		}
		if framed.WireBytes != framed.PayloadBytes+5*framed.Frames {
			t.Errorf("%d B: wire bytes %d, want payload %d + 5 per frame", size, framed.WireBytes, framed.PayloadBytes)
		}
	}
}

func TestLatencyMergesEveryConnectionsSamples(t *testing.T) {
	t.Parallel()
	rep := mustTinyReport(t)
	cfg := tinyConfig()
	want := cfg.Conns * cfg.Pings
	if rep.Latency.Framed.Count != want || rep.Latency.Raw == nil || rep.Latency.Raw.Count != want {
		t.Fatalf("latency counts framed %d, raw %+v; want %d each", rep.Latency.Framed.Count, rep.Latency.Raw, want)
	}
	if rep.Latency.Framed.WireBytes != rep.Latency.Raw.WireBytes {
		t.Errorf("framed round trips move %d bytes each way, raw %d: not the same byte count",
			rep.Latency.Framed.WireBytes, rep.Latency.Raw.WireBytes)
	}
	l := rep.Latency.Framed
	if !(l.Min <= l.P50 && l.P50 <= l.P90 && l.P90 <= l.P99 && l.P99 <= l.P999 && l.P999 <= l.Max) {
		t.Errorf("percentiles out of order: %+v", l.Summary)
	}
}

func TestEveryTargetIsJudged(t *testing.T) {
	t.Parallel()
	rep := mustTinyReport(t)
	if len(rep.Targets) != 4 {
		t.Fatalf("%d targets judged, want all 4 (both sizes and the baseline were measured): %+v", len(rep.Targets), rep.Targets)
	}
	for _, tg := range rep.Targets {
		met := tg.Value >= tg.Limit
		if tg.Want == "at most" {
			met = tg.Value <= tg.Limit
		}
		if tg.Met != met {
			t.Errorf("target %q: value %v, limit %v, want %s, but Met = %v", tg.Name, tg.Value, tg.Limit, tg.Want, tg.Met)
		}
	}
}

func TestExternalServerSkipsTheBaselineAndSaysSo(t *testing.T) {
	t.Parallel()
	cfg := tinyConfig()
	cfg.Addr = servertest.Start(t, &server.Server{})
	cfg.Conns, cfg.Sizes = 1, []int{256}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Baseline.Measured || !strings.Contains(rep.Baseline.Note, "skipped") {
		t.Errorf("baseline %+v, want skipped with a note", rep.Baseline)
	}
	if rep.Latency.Raw != nil || rep.Ratios != nil || len(rep.rows(RawStream)) != 0 {
		t.Errorf("raw figures present against an external server: %+v %+v %+v", rep.Latency.Raw, rep.Ratios, rep.rows(RawStream))
	}
	if len(rep.Throughput) != 2 || rep.Settings.Addr != cfg.Addr || rep.Settings.Embedded {
		t.Errorf("want stop-and-wait and pipelined rows against %s, got settings %+v, rows %+v", cfg.Addr, rep.Settings, rep.Throughput)
	}
}

func TestPipelinedEndsWhenEveryByteIsAcknowledged(t *testing.T) {
	t.Parallel()
	addr := servertest.Start(t, &server.Server{})
	for _, size := range []int{1, 100, 300 << 10} {
		c, err := client.Dial(context.Background(), addr)
		if err != nil {
			t.Fatal(err)
		}
		got, err := pipelined(c, size, budget{frames: 1000}, window(1, size), new(progress))
		c.Close()
		if err != nil {
			t.Fatalf("pipelined %d B: %v", size, err)
		}
		if want := uint64(1000 * size); got.AckTotal != want || got.End.Before(got.Start) {
			t.Errorf("pipelined 1000 × %d B: final ACK total %d, want %d; start %v end %v", size, got.AckTotal, want, got.Start, got.End)
		}
	}
}

func TestRunRefusesBadSettings(t *testing.T) {
	t.Parallel()
	for name, change := range map[string]func(*Config){
		"no connections":        func(c *Config) { c.Conns = 0 },
		"no pings":              func(c *Config) { c.Pings = 0 },
		"a zero-byte DATA size": func(c *Config) { c.Sizes = []int{0} },
		"a size beyond 16 MiB":  func(c *Config) { c.Sizes = []int{16<<20 + 1} },
		"no sizes":              func(c *Config) { c.Sizes = nil },
		"no time for each size": func(c *Config) { c.Duration = 0 },
		"a negative ping size":  func(c *Config) { c.PingSize = -1 },
		"a rate that is NaN":    func(c *Config) { c.Rate = math.NaN() },
	} {
		t.Run(name, func(t *testing.T) {
			cfg := tinyConfig()
			change(&cfg)
			if _, err := Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "bench settings") {
				t.Errorf("Run with %s: err = %v, want a settings error", name, err)
			}
		})
	}
}

// A budget shorter than the rounds it is shared among once gave each
// pipelined round a zero budget, which means no time limit at all.
func TestATinyDurationStillEndsEveryRun(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg := tinyConfig()
	cfg.Duration = time.Nanosecond
	if _, err := Run(ctx, cfg); err != nil {
		t.Errorf("Run with -duration 1ns: %v", err)
	}
}

func TestRunStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cfg := tinyConfig()
	cfg.Progress = func(step, steps int, what string) {
		if step == 2 {
			cancel()
		}
	}
	if _, err := Run(ctx, cfg); err != context.Canceled {
		t.Errorf("Run cancelled at step 2: err = %v, want context.Canceled", err)
	}
}

// With two connections the spread brackets the average connection: the
// slowest at most, the fastest at least, the total's share.
func TestFairnessBracketsTheAverageConnection(t *testing.T) {
	t.Parallel()
	rep := mustTinyReport(t)
	for _, row := range rep.Throughput {
		s, share := row.PerConn, row.PayloadMiBs/float64(tinyConfig().Conns)
		if !(s.Min > 0 && s.Min <= s.Median && s.Median <= s.Max) {
			t.Errorf("%s %d B: spread %+v out of order", row.Mode, row.Size, s)
		}
		// Each connection's rate is over its own time, which is at most
		// the run's, so the fastest is at least the average share.
		if s.Max < share*0.999 {
			t.Errorf("%s %d B: fastest connection %.1f MiB/s, below the average share %.1f", row.Mode, row.Size, s.Max, share)
		}
	}
}

// The bench's framed connections wait idle while the raw side of each
// latency round measures; with -conns 500 that took over a minute, and the
// server's default 60 s idle timeout closed all 500 and failed the run.
func TestTheEmbeddedServerKeepsTheBenchsWaitingConnections(t *testing.T) {
	t.Parallel()
	e, err := start(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	if e.srv.IdleTimeout < time.Hour {
		t.Errorf("the embedded server closes a connection idle for %v; a large -conns keeps them waiting longer", e.srv.IdleTimeout)
	}
}

func TestAFailureOfManyConnectionsIsReportedOnce(t *testing.T) {
	t.Parallel()
	closed := errors.New("ping 1: receive: the server closed the connection (EOF)")
	err := firstFailure([]error{nil, closed, closed, nil, closed})
	if want := closed.Error() + " (and 2 more of the 5 connections failed)"; err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if !errors.Is(err, closed) {
		t.Error("the summary no longer matches the first error with errors.Is")
	}
	if err := firstFailure([]error{nil, closed}); err != closed {
		t.Errorf("one failure: %v, want it unchanged", err)
	}
	if err := firstFailure(make([]error, 3)); err != nil {
		t.Errorf("no failure: %v", err)
	}
}
