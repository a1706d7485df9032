package bench

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
	"time"

	"bytestream/final/units"
)

// The plot is two panels side by side: throughput against payload size,
// and the latency percentile curve. Both axes of the throughput panel are
// logarithmic (sizes span six orders of magnitude, rates four); the latency
// panel spreads percentiles by their distance from 100%, so p99 and p99.99
// get as much room as the median.
const (
	svgWidth, svgHeight = 1000, 440
	panelWidth          = svgWidth / 2
	marginLeft          = 75
	marginRight         = 25
	marginTop           = 62
	marginBottom        = 75
)

// series is one line on a panel, in panel coordinates before scaling.
type series struct {
	name   string
	colour string
	dashed bool
	xs, ys []float64
}

var modeStyle = map[string]struct {
	label, colour string
	dashed        bool
}{
	StopAndWait: {"stop-and-wait", "#1f77b4", false},
	Pipelined:   {"pipelined", "#d62728", false},
	RawStream:   {"raw TCP stream", "#555555", true},
}

// WriteSVG draws the report's throughput and latency as an SVG image.
func (r *Report) WriteSVG(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		svgWidth, svgHeight, svgWidth, svgHeight)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	left, right := r.panels()
	left.draw(&b, 0)
	right.draw(&b, panelWidth)
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// panel is one chart: axes in transformed units (log2 bytes, log10 MiB/s,
// ...), with tick positions and labels chosen by its builder.
type panel struct {
	title, xLabel, yLabel string
	x, y                  scale
	xTicks, yTicks        []tick
	lines                 []series
}

type tick struct {
	at    float64
	label string
}

// scale maps a transformed value in [lo, hi] to pixels.
type scale struct{ lo, hi float64 }

func (s scale) frac(v float64) float64 {
	if s.hi == s.lo {
		return 0.5
	}
	return (v - s.lo) / (s.hi - s.lo)
}

func (r *Report) throughputPanel() panel {
	p := panel{title: "Throughput by payload size", xLabel: "payload size (log scale)", yLabel: "payload MiB/s (log scale)"}
	var rates []float64
	for _, mode := range []string{StopAndWait, Pipelined, RawStream} {
		st := modeStyle[mode]
		s := series{name: st.label, colour: st.colour, dashed: st.dashed}
		for _, row := range r.rows(mode) {
			if row.PayloadMiBs > 0 {
				s.xs = append(s.xs, math.Log2(float64(row.Size)))
				s.ys = append(s.ys, math.Log10(row.PayloadMiBs))
				rates = append(rates, row.PayloadMiBs)
			}
		}
		if len(s.xs) > 0 {
			p.lines = append(p.lines, s)
		}
	}
	sizes := r.Settings.Sizes
	p.x = scale{math.Log2(float64(minOf(sizes, 1))), math.Log2(float64(maxOf(sizes, 1)))}
	for _, size := range sizes {
		p.xTicks = append(p.xTicks, tick{math.Log2(float64(size)), units.FormatSize(int64(size))})
	}
	p.y, p.yTicks = decades(rates, func(v float64) string { return trimZeros(formatRate(v)) })
	return p
}

func (r *Report) latencyPanel() panel {
	p := panel{title: "Round-trip time by percentile", xLabel: "percentile", yLabel: "round-trip time (log scale)"}
	var times []float64
	add := func(name, colour string, dashed bool, curve []Quantile) {
		s := series{name: name, colour: colour, dashed: dashed}
		for _, q := range curve {
			if q.Percent < 100 && q.Value > 0 {
				s.xs = append(s.xs, nines(q.Percent))
				s.ys = append(s.ys, math.Log10(float64(q.Value)))
				times = append(times, float64(q.Value))
			}
		}
		if len(s.xs) > 0 {
			p.lines = append(p.lines, s)
		}
	}
	add("framed PING/PONG", modeStyle[Pipelined].colour, false, r.Latency.Framed.Curve)
	if r.Latency.Raw != nil {
		add("raw ping-pong", modeStyle[RawStream].colour, true, r.Latency.Raw.Curve)
	}
	p.x = scale{0, 4}
	for i, label := range []string{"0%", "90%", "99%", "99.9%", "99.99%"} {
		p.xTicks = append(p.xTicks, tick{float64(i), label})
	}
	p.y, p.yTicks = decades(times, func(v float64) string { return trimZeros(units.FormatDuration(time.Duration(v))) })
	return p
}

// nines places a percentile by how many nines it has: 90% at 1, 99% at 2,
// 99.9% at 3.
func nines(percent float64) float64 { return -math.Log10(1 - percent/100) }

// decades returns a log10 scale covering values, widened to 1-2-5 steps,
// and a tick at each such step inside it.
func decades(values []float64, label func(float64) string) (scale, []tick) {
	if len(values) == 0 {
		return scale{0, 1}, []tick{{0, label(1)}, {1, label(10)}}
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		lo, hi = min(lo, v), max(hi, v)
	}
	s := scale{math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))}
	if s.hi == s.lo {
		s.hi++
	}
	var ticks []tick
	steps := []float64{1}
	if s.hi-s.lo <= 2 {
		steps = []float64{1, 2, 5}
	}
	for d := s.lo; d <= s.hi; d++ {
		for _, m := range steps {
			if at := d + math.Log10(m); at <= s.hi {
				ticks = append(ticks, tick{at, label(m * math.Pow(10, d))})
			}
		}
	}
	return s, ticks
}

func minOf(xs []int, def int) int {
	if len(xs) == 0 {
		return def
	}
	m := xs[0]
	for _, x := range xs {
		m = min(m, x)
	}
	return m
}

func maxOf(xs []int, def int) int {
	m := def
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// draw writes the panel with its left edge at x0.
func (p panel) draw(b *strings.Builder, x0 float64) {
	left, right := x0+marginLeft, x0+panelWidth-marginRight
	top, bottom := float64(marginTop), float64(svgHeight-marginBottom)
	px := func(v float64) float64 { return left + p.x.frac(v)*(right-left) }
	py := func(v float64) float64 { return bottom - p.y.frac(v)*(bottom-top) }

	fmt.Fprintf(b, `<text x="%.1f" y="25" font-size="15" font-weight="bold" text-anchor="middle">%s</text>`+"\n", (left+right)/2, esc(p.title))
	for _, t := range p.yTicks {
		y := py(t.at)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#dddddd"/>`+"\n", left, y, right, y)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n", left-6, y, esc(t.label))
	}
	for _, t := range p.xTicks {
		x := px(t.at)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#eeeeee"/>`+"\n", x, top, x, bottom)
		fmt.Fprintf(b, `<text transform="translate(%.1f %.1f) rotate(-40)" text-anchor="end">%s</text>`+"\n", x, bottom+14, esc(t.label))
	}
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="black"/>`+"\n", left, top, right-left, bottom-top)
	fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", (left+right)/2, svgHeight-8, esc(p.xLabel))
	fmt.Fprintf(b, `<text transform="translate(%.1f %.1f) rotate(-90)" text-anchor="middle">%s</text>`+"\n", x0+16, (top+bottom)/2, esc(p.yLabel))

	legendX := left
	for _, s := range p.lines {
		dash := ""
		if s.dashed {
			dash = ` stroke-dasharray="6 4"`
		}
		var pts []string
		for j := range s.xs {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(s.xs[j]), py(s.ys[j])))
		}
		fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", strings.Join(pts, " "), s.colour, dash)
		for _, pt := range pts {
			xy := strings.Split(pt, ",")
			fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="3" fill="%s"/>`+"\n", xy[0], xy[1], s.colour)
		}
		// The legend is one row between title and plot, where it cannot
		// hide a line; names are placed by an estimate of their width.
		fmt.Fprintf(b, `<line x1="%.1f" y1="44" x2="%.1f" y2="44" stroke="%s" stroke-width="2"%s/>`+"\n", legendX, legendX+24, s.colour, dash)
		fmt.Fprintf(b, `<text x="%.1f" y="44" dominant-baseline="middle">%s</text>`+"\n", legendX+30, esc(s.name))
		legendX += 30 + 7*float64(len(s.name)) + 18
	}
}

func esc(s string) string { return html.EscapeString(s) }

// trimZeros drops the decimals a round tick label does not need:
// "10.0ms" → "10ms", "1.50ms" → "1.5ms".
func trimZeros(s string) string {
	num := strings.TrimRight(s, "nµms")
	unit := s[len(num):]
	if strings.Contains(num, ".") {
		num = strings.TrimSuffix(strings.TrimRight(num, "0"), ".")
	}
	return num + unit
}
