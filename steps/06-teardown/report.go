package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// printLatency prints the summary line and a histogram of sorted samples.
func printLatency(w io.Writer, sorted []time.Duration) {
	fmt.Fprintf(w, "PING round trips: %d samples, one connection, one PING at a time\n", len(sorted))
	fmt.Fprintf(w, "  min %v  p50 %v  p90 %v  p99 %v  max %v\n",
		round(sorted[0]), round(percentile(sorted, 50)), round(percentile(sorted, 90)),
		round(percentile(sorted, 99)), round(sorted[len(sorted)-1]))
	fmt.Fprintf(w, "  mean %v: %+.0f%% from the median\n",
		round(mean(sorted)), 100*(float64(mean(sorted))/float64(percentile(sorted, 50))-1))
	fmt.Fprintln(w, "  round-trip time     samples")
	for _, b := range histogram(sorted) {
		bar := strings.Repeat("#", int(math.Ceil(40*float64(b.count)/float64(len(sorted)))))
		fmt.Fprintf(w, "  %7v - %-7v %7d %s\n", b.from, b.to, b.count, bar)
	}
}

// bucket counts the samples in [from, to).
type bucket struct {
	from, to time.Duration
	count    int
}

// histogram sorts samples into buckets whose edges follow 1, 1.2, 1.5, 2,
// 2.5, 3, 4, 5, 6, 8 times a power of ten: round trips span several orders
// of magnitude, each bucket is about 25% wider than the one before, and
// round edges read at a glance. Empty buckets are left out.
func histogram(sorted []time.Duration) []bucket {
	from := 100 * time.Nanosecond // below any round trip over TCP
	for nextEdge(from) <= sorted[0] {
		from = nextEdge(from)
	}
	buckets := []bucket{{from: from, to: nextEdge(from)}}
	for _, s := range sorted {
		last := &buckets[len(buckets)-1]
		for s >= last.to {
			if last.count == 0 {
				*last = bucket{from: last.to, to: nextEdge(last.to)}
			} else {
				buckets = append(buckets, bucket{from: last.to, to: nextEdge(last.to)})
				last = &buckets[len(buckets)-1]
			}
		}
		last.count++
	}
	return buckets
}

// edgeSteps are the histogram edges within one decade, in tenths of it.
var edgeSteps = []time.Duration{12, 15, 20, 25, 30, 40, 50, 60, 80, 100}

// nextEdge returns the histogram edge after d: 10µs → 12µs → 15µs → 20µs ...
func nextEdge(d time.Duration) time.Duration {
	decade := time.Duration(1)
	for decade*10 <= d {
		decade *= 10
	}
	for _, step := range edgeSteps {
		if edge := decade * step / 10; edge > d {
			return edge
		}
	}
	return 10 * decade
}

// round keeps three significant digits, enough for a round trip.
func round(d time.Duration) time.Duration {
	for unit := time.Duration(1); ; unit *= 10 {
		if d < 1000*unit {
			return d.Round(unit)
		}
	}
}

// printThroughput prints one line per payload size, then where each mode
// stops gaining from bigger frames.
func printThroughput(w io.Writer, rows []row, d time.Duration) {
	fmt.Fprintf(w, "DATA throughput: %v per cell, each on a fresh connection\n", d)
	fmt.Fprintf(w, "  %8s   %-28s %s\n", "payload", "stop-and-wait", "pipelined")
	for _, r := range rows {
		fmt.Fprintf(w, "  %8s   %s   %s\n", formatSize(r.size), formatRate(r.stopAndWait), formatRate(r.pipelined))
	}
	for _, mode := range []struct {
		name string
		pick func(row) rate
	}{
		{"stop-and-wait", func(r row) rate { return r.stopAndWait }},
		{"pipelined", func(r row) rate { return r.pipelined }},
	} {
		speeds := make([]float64, len(rows))
		for i, r := range rows {
			speeds[i] = mode.pick(r).bytesPerSecond()
		}
		at, best := plateau(speeds)
		fmt.Fprintf(w, "  %s plateaus from %s payloads: within 10%% of its best, %s\n",
			mode.name, formatSize(rows[at].size), formatBytesPerSecond(best))
	}
}

// plateau returns the first index whose speed is within 10% of the best,
// and the best: from there on, bigger frames buy (almost) nothing.
func plateau(speeds []float64) (int, float64) {
	best := slices.Max(speeds)
	for i, s := range speeds {
		if s >= 0.9*best {
			return i, best
		}
	}
	return len(speeds) - 1, best // not reached: the best is within 10% of itself
}

// formatRate prints bytes and frames per second, aligned.
func formatRate(r rate) string {
	return fmt.Sprintf("%11s %8.0f frames/s", formatBytesPerSecond(r.bytesPerSecond()), r.framesPerSecond())
}

func formatBytesPerSecond(b float64) string {
	if b >= 1<<30 {
		return fmt.Sprintf("%.2f GiB/s", b/(1<<30))
	}
	return fmt.Sprintf("%.1f MiB/s", b/(1<<20))
}

// formatSize prints 64 as "64 B", 4096 as "4 KiB" and 1<<20 as "1 MiB".
func formatSize(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
