package bench

import (
	"context"
	"fmt"
	"time"

	"bytestream/final/units"
)

// Sweep is the latency-versus-load curve: the open loop at fractions of
// the rate the server sustains, the raw echo on the same schedules, and
// the knee read from them.
type Sweep struct {
	// Capacity is the framed server's answers per second when offered far
	// more than it can answer; RawCapacity the raw echo's.
	Capacity    float64      `json:"capacity"`
	RawCapacity float64      `json:"raw_capacity"` // 0 when the baseline was skipped
	Points      []SweepPoint `json:"points"`
	Knee        *Knee        `json:"knee"`     // null when even the lowest rate was past it
	RawKnee     *Knee        `json:"raw_knee"` // null without the baseline
}

// SweepPoint is one offered rate, framed and raw.
type SweepPoint struct {
	Percent float64  `json:"percent"` // of Capacity
	Framed  OpenRun  `json:"framed"`
	Raw     *OpenRun `json:"raw"`
}

// Knee is the highest offered rate at which the server still keeps up and
// its tail has not blown up, and the worst p99 up to there: "p99 stays
// under P99 up to Rate requests/s".
type Knee struct {
	Rate float64       `json:"rate"`
	P99  time.Duration `json:"p99_ns"`
}

// sweepPercents are the offered rates, in percent of the capacity: dense
// near 100, where the curve bends.
var sweepPercents = []float64{10, 25, 50, 75, 90, 100, 110, 120}

// Past the knee, either the answers fall behind the offer (the achieved
// rate is below kneeKeepUp of it) or the p99 grows past kneeGrowth times
// its value at the lowest rate: a queue has formed.
const (
	kneeKeepUp = 0.95
	kneeGrowth = 10
)

// capacityOffer is how far beyond anything a loopback server answers the
// probe offers, in requests per second; the window of unanswered requests
// keeps the overload from building an endless queue.
const capacityOffer = 100e6

func (e *env) sweep(ctx context.Context, rep *Report) error {
	sw := &Sweep{}
	rep.Sweep = sw
	if err := e.next(ctx, "sweep: the rate the server sustains"); err != nil {
		return err
	}
	probe, err := e.openFramed(ctx, capacityOffer)
	if err != nil {
		return fmt.Errorf("sweep capacity: %w", err)
	}
	sw.Capacity = probe.Achieved
	if e.raw != nil {
		raw, err := e.openRaw(ctx, capacityOffer)
		if err != nil {
			return fmt.Errorf("sweep raw capacity: %w", err)
		}
		sw.RawCapacity = raw.Achieved
	}
	for _, pct := range sweepPercents {
		rate := sw.Capacity * pct / 100
		if err := e.next(ctx, fmt.Sprintf("sweep: %g%% = %s requests/s", pct, formatCount(rate))); err != nil {
			return err
		}
		pt := SweepPoint{Percent: pct}
		if pt.Framed, err = e.openFramed(ctx, rate); err != nil {
			return fmt.Errorf("sweep at %s requests/s: %w", formatCount(rate), err)
		}
		if e.raw != nil {
			raw, err := e.openRaw(ctx, rate)
			if err != nil {
				return fmt.Errorf("sweep raw at %s requests/s: %w", formatCount(rate), err)
			}
			pt.Raw = &raw
		}
		sw.Points = append(sw.Points, pt)
	}
	sw.Knee = kneeOf(sw.Points, func(p SweepPoint) *OpenRun { return &p.Framed })
	if e.raw != nil {
		sw.RawKnee = kneeOf(sw.Points, func(p SweepPoint) *OpenRun { return p.Raw })
	}
	return nil
}

// kneeOf walks the points by rising rate and stops at the first that no
// longer keeps up or whose p99 grew past kneeGrowth times the first's.
func kneeOf(points []SweepPoint, run func(SweepPoint) *OpenRun) *Knee {
	var knee *Knee
	var base time.Duration
	for i, pt := range points {
		r := run(pt)
		if i == 0 {
			base = r.Latency.P99
		}
		if r.Achieved < kneeKeepUp*r.Offered || r.Latency.P99 > kneeGrowth*base {
			break
		}
		worst := r.Latency.P99
		if knee != nil {
			worst = max(worst, knee.P99)
		}
		knee = &Knee{Rate: r.Offered, P99: worst}
	}
	return knee
}

// Sentence says the knee in words.
func (k *Knee) Sentence(what string) string {
	if k == nil {
		return what + ": past the knee from the lowest rate measured"
	}
	return fmt.Sprintf("%s: p99 stays within %s up to %s requests/s", what, units.FormatDuration(k.P99), formatCount(k.Rate))
}
