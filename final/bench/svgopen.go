package bench

import (
	"math"
	"strconv"
	"time"

	"bytestream/final/units"
)

// The open loop's and the sweep's plots use the same two-panel frame as
// the default one (svg.go): -rate puts the latency curves of the open and
// the closed loop side by side with the sender's lag; -sweep draws the
// latency-versus-load curve and the achieved rate against the offered one.

// panels returns the two panels WriteSVG draws for this report.
func (r *Report) panels() (left, right panel) {
	switch {
	case r.Settings.Rate > 0:
		return r.openLatencyPanel(), r.lagPanel()
	case r.Settings.Sweep:
		return r.sweepLatencyPanel(), r.sweepRatePanel()
	}
	return r.throughputPanel(), r.latencyPanel()
}

var openPercents = []float64{50, 90, 99, 99.9, 99.99}

// hdrCurve is an HDR summary as percentile points, for the nines axis.
func hdrCurve(s HDRSummary) []Quantile {
	return []Quantile{{50, s.P50}, {90, s.P90}, {99, s.P99}, {99.9, s.P999}, {99.99, s.P9999}}
}

// ninesPanel is a percentile curve panel: x by nines, y log time.
func ninesPanel(title, yLabel string, curves []series, values []float64) panel {
	p := panel{title: title, xLabel: "percentile", yLabel: yLabel, lines: curves}
	p.x = scale{nines(50), 4}
	for _, pc := range openPercents {
		p.xTicks = append(p.xTicks, tick{nines(pc), trimPercent(pc)})
	}
	p.y, p.yTicks = decades(values, func(v float64) string { return trimZeros(units.FormatDuration(time.Duration(v))) })
	return p
}

// trimPercent labels a percentile without trailing zeros: "99.9%".
func trimPercent(pc float64) string { return strconv.FormatFloat(pc, 'f', -1, 64) + "%" }

// curveSeries turns quantiles into a line on the nines axis, and collects
// the values for the axis range.
func curveSeries(name, colour string, dashed bool, curve []Quantile, values *[]float64) series {
	s := series{name: name, colour: colour, dashed: dashed}
	for _, q := range curve {
		if q.Value > 0 {
			s.xs = append(s.xs, nines(q.Percent))
			s.ys = append(s.ys, math.Log10(float64(q.Value)))
			*values = append(*values, float64(q.Value))
		}
	}
	return s
}

const closedColour = "#1f77b4"

func (r *Report) openLatencyPanel() panel {
	var values []float64
	var lines []series
	if o := r.OpenLoop; o != nil {
		lines = append(lines, curveSeries("open loop, framed", modeStyle[Pipelined].colour, false, hdrCurve(o.Framed.Latency), &values))
		if o.Raw != nil {
			lines = append(lines, curveSeries("open loop, raw echo", modeStyle[RawStream].colour, true, hdrCurve(o.Raw.Latency), &values))
		}
		c := o.Closed
		closed := []Quantile{{50, c.P50}, {90, c.P90}, {99, c.P99}, {99.9, c.P999}}
		lines = append(lines, curveSeries("closed loop, framed", closedColour, false, closed, &values))
	}
	return ninesPanel("Latency: open loop from due time, closed loop", "latency (log scale)", lines, values)
}

func (r *Report) lagPanel() panel {
	var values []float64
	var lines []series
	if o := r.OpenLoop; o != nil {
		lines = append(lines, curveSeries("framed sender", modeStyle[Pipelined].colour, false, hdrCurve(o.Framed.Lag), &values))
		if o.Raw != nil {
			lines = append(lines, curveSeries("raw sender", modeStyle[RawStream].colour, true, hdrCurve(o.Raw.Lag), &values))
		}
	}
	return ninesPanel("Sender's lag behind its schedule", "lag (log scale)", lines, values)
}

// rateAxis is a linear requests/s axis from 0 to the highest rate.
func rateAxis(hi float64) (scale, []tick) {
	s := scale{0, max(hi, 1)}
	step := math.Pow(10, math.Floor(math.Log10(s.hi)))
	if s.hi/step < 3 {
		step /= 2
	}
	var ticks []tick
	for v := 0.0; v <= s.hi; v += step {
		ticks = append(ticks, tick{v, formatCount(v)})
	}
	return s, ticks
}

func (r *Report) sweepLatencyPanel() panel {
	p := panel{title: "Latency against offered load", xLabel: "offered requests/s", yLabel: "latency from due time (log scale)"}
	var values []float64
	var hi float64
	add := func(name, colour string, dashed bool, pick func(SweepPoint) *OpenRun, pct func(HDRSummary) time.Duration) {
		s := series{name: name, colour: colour, dashed: dashed}
		for _, pt := range r.Sweep.Points {
			if run := pick(pt); run != nil && pct(run.Latency) > 0 {
				s.xs = append(s.xs, run.Offered)
				s.ys = append(s.ys, math.Log10(float64(pct(run.Latency))))
				values = append(values, float64(pct(run.Latency)))
				hi = max(hi, run.Offered)
			}
		}
		if len(s.xs) > 0 {
			p.lines = append(p.lines, s)
		}
	}
	if r.Sweep != nil {
		framed := func(pt SweepPoint) *OpenRun { return &pt.Framed }
		raw := func(pt SweepPoint) *OpenRun { return pt.Raw }
		p99 := func(s HDRSummary) time.Duration { return s.P99 }
		p50 := func(s HDRSummary) time.Duration { return s.P50 }
		add("framed p99", modeStyle[Pipelined].colour, false, framed, p99)
		add("framed p50", closedColour, false, framed, p50)
		add("raw p99", modeStyle[RawStream].colour, true, raw, p99)
	}
	p.x, p.xTicks = rateAxis(hi)
	p.y, p.yTicks = decades(values, func(v float64) string { return trimZeros(units.FormatDuration(time.Duration(v))) })
	return p
}

func (r *Report) sweepRatePanel() panel {
	p := panel{title: "Answered against offered", xLabel: "offered requests/s", yLabel: "achieved requests/s"}
	var hi float64
	add := func(name, colour string, dashed bool, pick func(SweepPoint) *OpenRun) {
		s := series{name: name, colour: colour, dashed: dashed}
		for _, pt := range r.Sweep.Points {
			if run := pick(pt); run != nil {
				s.xs = append(s.xs, run.Offered)
				s.ys = append(s.ys, run.Achieved)
				hi = max(hi, run.Offered, run.Achieved)
			}
		}
		if len(s.xs) > 0 {
			p.lines = append(p.lines, s)
		}
	}
	if r.Sweep != nil {
		add("framed", modeStyle[Pipelined].colour, false, func(pt SweepPoint) *OpenRun { return &pt.Framed })
		add("raw echo", modeStyle[RawStream].colour, true, func(pt SweepPoint) *OpenRun { return pt.Raw })
	}
	p.x, p.xTicks = rateAxis(hi)
	p.y, p.yTicks = p.x, p.xTicks
	return p
}
