package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// tinyOpenConfig offers a modest rate for a few milliseconds: enough for
// every section, no claim about speed.
func tinyOpenConfig() Config {
	cfg := tinyConfig()
	cfg.Duration = 30 * time.Millisecond
	return cfg
}

var tinyRate = sync.OnceValues(func() (*Report, error) {
	cfg := tinyOpenConfig()
	cfg.Rate = 2000
	return Run(context.Background(), cfg)
})

var tinySweep = sync.OnceValues(func() (*Report, error) {
	cfg := tinyOpenConfig()
	cfg.Sweep = true
	return Run(context.Background(), cfg)
})

func mustReport(t *testing.T, run func() (*Report, error)) (*Report, map[string]any) {
	t.Helper()
	rep, err := run()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("the output is not one JSON object: %v", err)
	}
	return rep, doc
}

// checkTopKeys checks the report's keys: the default run's and section,
// which only -rate or -sweep adds.
func checkTopKeys(t *testing.T, doc map[string]any, section string) {
	t.Helper()
	got, want := keys(t, "the report", doc), slices.Sorted(slices.Values(append(slices.Clone(jsonSchema[""]), section)))
	if !slices.Equal(got, want) {
		t.Errorf("the report has keys %v, want %v", got, want)
	}
}

func checkOpenRun(t *testing.T, where string, v any) {
	t.Helper()
	checkKeys(t, where, "open_run", v)
	run := v.(map[string]any)
	checkKeys(t, where+".latency", "hdr", run["latency"])
	checkKeys(t, where+".lag", "hdr", run["lag"])
}

func TestRateJSONFollowsTheDocumentedSchema(t *testing.T) {
	t.Parallel()
	rep, doc := mustReport(t, tinyRate)
	checkTopKeys(t, doc, "open_loop")
	checkKeys(t, "open_loop", "open_loop", doc["open_loop"])
	open := doc["open_loop"].(map[string]any)
	checkOpenRun(t, "open_loop.framed", open["framed"])
	checkOpenRun(t, "open_loop.raw", open["raw"])
	checkKeys(t, "open_loop.closed_loop", "closed", open["closed_loop"])
	o := rep.OpenLoop
	if o.Framed.Due != o.Raw.Due || o.Framed.Answered != o.Framed.Sent || o.Framed.Latency.Count != o.Framed.Answered {
		t.Errorf("framed %+v, raw %+v: want the same schedule, and every sent request answered and timed", o.Framed, o.Raw)
	}
}

func TestSweepJSONFollowsTheDocumentedSchema(t *testing.T) {
	t.Parallel()
	rep, doc := mustReport(t, tinySweep)
	checkTopKeys(t, doc, "sweep")
	checkKeys(t, "sweep", "sweep", doc["sweep"])
	points := doc["sweep"].(map[string]any)["points"].([]any)
	if len(points) != len(sweepPercents) {
		t.Fatalf("%d sweep points, want %d", len(points), len(sweepPercents))
	}
	for _, p := range points {
		checkKeys(t, "sweep.points[]", "point", p)
		checkOpenRun(t, "sweep.points[].framed", p.(map[string]any)["framed"])
		checkOpenRun(t, "sweep.points[].raw", p.(map[string]any)["raw"])
	}
	if k := doc["sweep"].(map[string]any)["knee"]; k != nil {
		checkKeys(t, "sweep.knee", "knee", k)
	}
	for i, pt := range rep.Sweep.Points {
		if want := rep.Sweep.Capacity * sweepPercents[i] / 100; pt.Framed.Offered != want || pt.Raw.Offered != want {
			t.Errorf("point %d offered framed %v, raw %v; want %v%% of %v", i, pt.Framed.Offered, pt.Raw.Offered, sweepPercents[i], rep.Sweep.Capacity)
		}
	}
}

func TestRateAndSweepTablesSayWhatTheyMeasured(t *testing.T) {
	t.Parallel()
	for name, run := range map[string]func() (*Report, error){"rate": tinyRate, "sweep": tinySweep} {
		rep, _ := mustReport(t, run)
		var out bytes.Buffer
		rep.WriteTable(&out, false)
		want := map[string][]string{
			"rate":  {"Open loop: 2,000 PING/s offered over 2 connections", "  framed ", "  raw echo ", "  closed loop ", "schedule lag, framed sender"},
			"sweep": {"Sweep: open loop at 10% to 120%", "  sustained: framed ", "   10% ", "  120% ", "Knee\n  framed: "},
		}[name]
		for _, w := range want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("-%s table lacks %q:\n%s", name, w, out.String())
			}
		}
		if strings.Contains(out.String(), "Throughput") {
			t.Errorf("-%s table shows the throughput section it did not measure:\n%s", name, out.String())
		}
	}
}

// The knee is the last point that keeps up with its offer and whose p99
// has not grown tenfold; a point past it ends the walk even if a later one
// looks good again (noise, not recovery).
func TestKneeStopsAtTheFirstPointPastIt(t *testing.T) {
	t.Parallel()
	pt := func(offered, achieved float64, p99 time.Duration) SweepPoint {
		return SweepPoint{Framed: OpenRun{Offered: offered, Achieved: achieved, Latency: HDRSummary{P99: p99}}}
	}
	framed := func(p SweepPoint) *OpenRun { return &p.Framed }
	points := []SweepPoint{
		pt(100, 100, 20*time.Microsecond),
		pt(500, 499, 40*time.Microsecond),
		pt(900, 880, 150*time.Microsecond),
		pt(1000, 800, 90*time.Microsecond), // falls behind its offer
		pt(1100, 1100, 30*time.Microsecond),
	}
	k := kneeOf(points, framed)
	if k == nil || k.Rate != 900 || k.P99 != 150*time.Microsecond {
		t.Fatalf("knee %+v, want 900/s within 150µs", k)
	}
	if got, want := k.Sentence("framed"), "framed: p99 stays within 150µs up to 900 requests/s"; got != want {
		t.Errorf("Sentence = %q, want %q", got, want)
	}
	points[1].Framed.Latency.P99 = 250 * time.Microsecond // 12.5× the first
	if k := kneeOf(points, framed); k == nil || k.Rate != 100 {
		t.Errorf("knee %+v, want 100/s: p99 grew past 10× at 500/s", k)
	}
}

func TestRateAndSweepPlotsHaveALinePerSeries(t *testing.T) {
	t.Parallel()
	rate, _ := mustReport(t, tinyRate)
	// Open framed, open raw and closed latency; framed and raw lag.
	if got := polylines(t, rate); got != 5 {
		t.Errorf("-rate SVG has %d polylines, want 5", got)
	}
	sweep, _ := mustReport(t, tinySweep)
	// Framed p99 and p50 and raw p99 against load; framed and raw rates.
	if got := polylines(t, sweep); got != 5 {
		t.Errorf("-sweep SVG has %d polylines, want 5", got)
	}
}
