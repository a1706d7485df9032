package bench

import (
	"fmt"
	"strings"

	"bytestream/final/units"
)

// writeOpenLoop prints -rate's report: the open loop framed and raw, then
// the closed loop's figures for the same server beside them.
func (r *Report) writeOpenLoop(b *strings.Builder, p palette) {
	o, s := r.OpenLoop, r.Settings
	if o == nil {
		return // stopped before the open loop finished
	}
	fmt.Fprintf(b, "\n%s: %s PING/s offered over %d connection%s for %v, %s each way, latency from each request's due time\n",
		p.heading("Open loop"), formatCount(s.Rate), s.Conns, plural(s.Conns), s.Duration, units.FormatSize(int64(5+s.PingSize)))
	openHeader(b, "")
	openRow(b, "framed", o.Framed)
	if o.Raw != nil {
		openRow(b, "raw echo", *o.Raw)
	}
	c := o.Closed
	fmt.Fprintf(b, "  %-14s %12s %12s %8s %8s %8s %8s %8s %8s\n", "closed loop", formatCount(float64(c.Count)), "",
		units.FormatDuration(c.P50), units.FormatDuration(c.P90), units.FormatDuration(c.P99), units.FormatDuration(c.P999), "", units.FormatDuration(c.Max))
	fmt.Fprintf(b, "  %s\n", p.dim("closed loop: one PING at a time per connection for as long, timed from its own send: what a closed-loop bench reports"))
	writeLag(b, "framed", o.Framed)
	if o.Raw != nil {
		writeLag(b, "raw echo", *o.Raw)
	}
}

func openHeader(b *strings.Builder, first string) {
	fmt.Fprintf(b, "  %-14s %12s %12s %8s %8s %8s %8s %8s %8s\n", first, "answered", "achieved/s", "p50", "p90", "p99", "p99.9", "p99.99", "max")
}

func openRow(b *strings.Builder, name string, o OpenRun) {
	l := o.Latency
	fmt.Fprintf(b, "  %-14s %12s %12s %8s %8s %8s %8s %8s %8s\n", name, formatCount(float64(o.Answered)), formatCount(o.Achieved),
		units.FormatDuration(l.P50), units.FormatDuration(l.P90), units.FormatDuration(l.P99), units.FormatDuration(l.P999), units.FormatDuration(l.P9999), units.FormatDuration(l.Max))
}

// writeLag says how far the sender fell behind its schedule, and how many
// requests it never sent.
func writeLag(b *strings.Builder, name string, o OpenRun) {
	fmt.Fprintf(b, "  schedule lag, %s sender: p50 %s, p99 %s, max %s; %s of %s due requests not sent\n", name,
		units.FormatDuration(o.Lag.P50), units.FormatDuration(o.Lag.P99), units.FormatDuration(o.Lag.Max),
		formatCount(float64(o.Due-o.Sent)), formatCount(float64(o.Due)))
}

// writeSweep prints the latency-versus-load table and the knee.
func (r *Report) writeSweep(b *strings.Builder, p palette) {
	sw, s := r.Sweep, r.Settings
	if sw == nil {
		return
	}
	fmt.Fprintf(b, "\n%s: open loop at %g%% to %g%% of the sustained rate, %d connection%s, %s PINGs each way, %v per rate\n",
		p.heading("Sweep"), sweepPercents[0], sweepPercents[len(sweepPercents)-1], s.Conns, plural(s.Conns), units.FormatSize(int64(5+s.PingSize)), s.Duration)
	fmt.Fprintf(b, "  sustained: framed %s requests/s", formatCount(sw.Capacity))
	if sw.RawCapacity > 0 {
		fmt.Fprintf(b, ", raw echo %s requests/s", formatCount(sw.RawCapacity))
	}
	b.WriteString(" (offered far more)\n")
	fmt.Fprintf(b, "  %5s %12s %12s %8s %8s %8s %8s %8s %9s %9s\n", "load", "offered/s", "achieved/s", "p50", "p90", "p99", "p99.9", "max", "raw p50", "raw p99")
	for _, pt := range sw.Points {
		f := pt.Framed
		line := fmt.Sprintf("  %4g%% %12s %12s %8s %8s %8s %8s %8s", pt.Percent, formatCount(f.Offered), formatCount(f.Achieved),
			units.FormatDuration(f.Latency.P50), units.FormatDuration(f.Latency.P90), units.FormatDuration(f.Latency.P99),
			units.FormatDuration(f.Latency.P999), units.FormatDuration(f.Latency.Max))
		if pt.Raw != nil {
			line += fmt.Sprintf(" %9s %9s", units.FormatDuration(pt.Raw.Latency.P50), units.FormatDuration(pt.Raw.Latency.P99))
		}
		b.WriteString(line + "\n")
	}
	fmt.Fprintf(b, "\n%s\n  %s.\n", p.heading("Knee"), sw.Knee.Sentence("framed"))
	if sw.RawKnee != nil || sw.RawCapacity > 0 {
		fmt.Fprintf(b, "  %s.\n", sw.RawKnee.Sentence("raw echo"))
	}
	fmt.Fprintf(b, "  %s\n", p.dim(fmt.Sprintf("(the knee: the last rate still answered at %.0f%% or more of the offer, with p99 under %d× its value at the lowest rate)", kneeKeepUp*100, kneeGrowth)))
}
