package bench

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fatih/color"

	"bytestream/final/units"
)

// palette colours the table; every function is the identity when colour is
// off, so the layout is the same either way.
type palette struct {
	heading, dim, good, bad func(string) string
}

func newPalette(on bool) palette {
	paint := func(attrs ...color.Attribute) func(string) string {
		c := color.New(attrs...)
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return func(s string) string { return c.Sprint(s) }
	}
	return palette{
		heading: paint(color.Bold),
		dim:     paint(color.Faint),
		good:    paint(color.FgGreen),
		bad:     paint(color.FgRed),
	}
}

// WriteTable prints the report for a person: settings, latency with its
// histogram, throughput with the raw figures and ratios beside the framed
// ones, the plateaus in words, and the targets. Colour is for terminals
// only; the caller decides (see the command's -color flag).
func (r *Report) WriteTable(w io.Writer, colour bool) error {
	p := newPalette(colour)
	var b strings.Builder
	r.writeHeader(&b, p)
	switch {
	case r.Settings.Rate > 0:
		r.writeOpenLoop(&b, p)
		r.writeStopped(&b, p)
		return write(w, b.String())
	case r.Settings.Sweep:
		r.writeSweep(&b, p)
		r.writeStopped(&b, p)
		return write(w, b.String())
	}
	r.writeLatency(&b, p)
	r.writeThroughput(&b, p)
	r.writeFairness(&b, p)
	r.writePlateaus(&b, p)
	r.writeTargets(&b, p)
	r.writeStopped(&b, p)
	return write(w, b.String())
}

func write(w io.Writer, s string) error {
	_, err := io.WriteString(w, s)
	return err
}

func (r *Report) writeHeader(b *strings.Builder, p palette) {
	s, m := r.Settings, r.Machine
	where := "external server " + s.Addr
	if s.Embedded {
		where = "in-process server on " + s.Addr
	}
	fmt.Fprintf(b, "%s — %s, %d connection%s\n", p.heading("ByteStream bench"), where, s.Conns, plural(s.Conns))
	fmt.Fprintf(b, "%s %s/%s, GOMAXPROCS %d, %d CPUs\n", m.GoVersion, m.OS, m.Arch, m.GOMAXPROCS, m.NumCPU)
	if r.Baseline.Measured {
		fmt.Fprintf(b, "Baseline: %s\n", r.Baseline.Note)
	} else {
		fmt.Fprintf(b, "Baseline: %s\n", p.bad(r.Baseline.Note))
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (r *Report) writeLatency(b *strings.Builder, p palette) {
	if r.Latency.Framed.Count == 0 {
		return // stopped before the latency experiment finished
	}
	s := r.Settings
	fmt.Fprintf(b, "\n%s: %s PING/PONG round trips per connection, %s each way, after %s warm-up\n",
		p.heading("Latency"), formatCount(float64(s.Pings)), units.FormatSize(int64(r.Latency.Framed.WireBytes)), formatCount(float64(s.Warmup)))
	fmt.Fprintf(b, "  %-10s %8s %8s %8s %8s %8s %8s %8s %8s\n", "", "min", "p50", "p90", "p99", "p99.9", "max", "mean", "stddev")
	row := func(name string, l Summary) {
		fmt.Fprintf(b, "  %-10s", name)
		for _, d := range []time.Duration{l.Min, l.P50, l.P90, l.P99, l.P999, l.Max, l.Mean, l.StdDev} {
			fmt.Fprintf(b, " %8s", units.FormatDuration(d))
		}
		b.WriteByte('\n')
	}
	row("framed", r.Latency.Framed.Summary)
	if raw := r.Latency.Raw; raw != nil {
		row("raw", raw.Summary)
		fmt.Fprintf(b, "  %-10s %8s %8s %8s %8s\n", "framed/raw", "",
			r.ratioColour(p, r.Ratios.PingP50, targetPingP50Ratio, false), "",
			r.ratioColour(p, r.Ratios.PingP99, targetPingP99Ratio, false))
	}
	fmt.Fprintf(b, "\n  Framed round trips by time (log-scale buckets):\n")
	WriteHistogram(b, r.Latency.Framed.Histogram, p.good)
}

// ratioColour pads a ratio to a table column first and then colours it
// against its target, so escape codes do not upset the alignment.
func (r *Report) ratioColour(p palette, v, limit float64, atLeast bool) string {
	s := fmt.Sprintf("%8s", formatRatio(v))
	if (atLeast && v >= limit) || (!atLeast && v <= limit) {
		return p.good(s)
	}
	return p.bad(s)
}

func (r *Report) writeThroughput(b *strings.Builder, p palette) {
	fmt.Fprintf(b, "\n%s: DATA frames, %v per size and mode, payload and wire (headers included) rates\n",
		p.heading("Throughput"), r.Settings.Duration)
	fmt.Fprintf(b, "  %-9s %-14s %13s %11s %14s %8s %8s %8s\n", "size", "mode", "payload MiB/s", "wire MiB/s", "frames/s", "vs raw", "cpu/raw", "wire/raw")
	last := -1
	for _, row := range r.Throughput {
		size := ""
		if row.Size != last {
			size, last = units.FormatSize(int64(row.Size)), row.Size
		}
		mode := row.Mode
		if mode == RawStream {
			mode = p.dim(fmt.Sprintf("%-14s", "raw TCP"))
		} else {
			mode = fmt.Sprintf("%-14s", mode)
		}
		vs, more := "", ""
		if v, ok := r.Ratios.PipelinedVsRaw(row.Size); ok && row.Mode == Pipelined {
			vs = r.ratioColour(p, v, targetLargeRatio, true)
			cpu, wire := "", ""
			if v, ok := at(r.Ratios.PipelinedCPU, row.Size); ok {
				cpu = formatRatio(v)
			}
			if v, ok := at(r.Ratios.PipelinedWire, row.Size); ok {
				wire = formatRatio(v)
			}
			more = fmt.Sprintf(" %8s %8s", cpu, wire)
		}
		line := fmt.Sprintf("  %-9s %s %13s %11s %14s %s%s", size, mode,
			formatRate(row.PayloadMiBs), formatRate(row.WireMiBs), formatCount(row.FramesPerSec), vs, more)
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
}

// writeFairness shows, with several connections, how evenly they shared:
// a total can look healthy while one connection starves.
func (r *Report) writeFairness(b *strings.Builder, p palette) {
	if r.Settings.Conns < 2 || len(r.Throughput) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s: payload MiB/s of each of the %d connections\n", p.heading("Fairness"), r.Settings.Conns)
	fmt.Fprintf(b, "  %-9s %-14s %10s %10s %10s %9s\n", "size", "mode", "min", "median", "max", "max/min")
	for _, row := range r.Throughput {
		s, mode := row.PerConn, row.Mode
		if mode == RawStream {
			mode = "raw TCP"
		}
		fmt.Fprintf(b, "  %-9s %-14s %10s %10s %10s %9s\n", units.FormatSize(int64(row.Size)), mode,
			formatRate(s.Min), formatRate(s.Median), formatRate(s.Max), formatRatio(ratio(s.Max, s.Min)))
	}
}

func (r *Report) writePlateaus(b *strings.Builder, p palette) {
	if len(r.Plateaus) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s: the smallest payload reaching 90%% of the best rate\n", p.heading("Plateaus"))
	for _, pl := range r.Plateaus {
		name := pl.Mode
		if name == RawStream {
			name = "raw TCP"
		}
		fmt.Fprintf(b, "  %s throughput plateaus from %s (best %s MiB/s).\n",
			name, units.FormatSize(int64(pl.Size)), formatRate(pl.BestMiB))
	}
}

func (r *Report) writeTargets(b *strings.Builder, p palette) {
	fmt.Fprintf(b, "\n%s\n", p.heading("Targets (two cores, client and server on one machine)"))
	if len(r.Targets) == 0 {
		fmt.Fprintf(b, "  none measurable in this run (they need the raw baseline and the 64 B and 1 MiB sizes)\n")
	}
	for _, t := range r.Targets {
		mark, paint := "met   ", p.good
		if !t.Met {
			mark, paint = "missed", p.bad
		}
		fmt.Fprintf(b, "  %s %-36s %12s, want %s %s\n", paint(mark), t.Name, formatTarget(t.Value), t.Want, formatTarget(t.Limit))
	}
}

// writeStopped says, last, that the run ended early and why, so that no one
// takes a partial report for a whole one.
func (r *Report) writeStopped(b *strings.Builder, p palette) {
	if r.Stopped == "" {
		return
	}
	fmt.Fprintf(b, "\n%s %s\n  The sections above hold only the experiments that finished.\n", p.bad("Stopped early:"), r.Stopped)
}

// formatTarget prints a ratio with two decimals and a rate as a count.
func formatTarget(v float64) string {
	if v >= 1000 {
		return formatCount(v)
	}
	return formatRatio(v)
}
