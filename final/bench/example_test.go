package bench_test

import (
	"fmt"
	"strings"
	"time"

	"bytestream/final/bench"
)

// Two clients' round trips, merged before any percentile is taken: the
// merged p99 is the slow client's tail, as a user of both would see it.
func ExampleMerge() {
	fast := bench.Samples{10 * time.Microsecond, 11 * time.Microsecond, 12 * time.Microsecond}
	slow := bench.Samples{20 * time.Microsecond, 90 * time.Microsecond}
	s := bench.Summarize(bench.Merge(fast, slow))
	fmt.Println("count", s.Count, "p50", s.P50, "p99", s.P99, "mean", s.Mean)
	// Output:
	// count 5 p50 12µs p99 90µs mean 28.6µs
}

// The plateau is the smallest size that reaches 90% of the best rate.
func ExamplePlateauSize() {
	rates := []bench.Point{{Size: 64, Rate: 300}, {Size: 4096, Rate: 1900}, {Size: 65536, Rate: 2400}, {Size: 1 << 20, Rate: 2500}}
	size, ok := bench.PlateauSize(rates)
	fmt.Println(size, ok)
	// Output:
	// 65536 true
}

// Buckets double in width, so one stall a hundred times the median still
// gets a row, and a bar, of its own.
func ExampleWriteHistogram() {
	var s bench.Samples
	for range 99 {
		s = append(s, 14*time.Microsecond)
	}
	s = append(s, 1500*time.Microsecond)
	noColour := func(bar string) string { return bar }
	var out strings.Builder
	bench.WriteHistogram(&out, bench.Histogram(s), noColour)
	// Print the first two rows and the last, without the padding: the rows
	// in between are empty too.
	rows := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	for _, row := range []string{rows[0], rows[1], rows[len(rows)-1]} {
		fmt.Println(strings.Join(strings.Fields(row), " "))
	}
	// Output:
	// 8.19µs – 16.4µs ████████████████████████████████████████ 99
	// 16.4µs – 32.8µs 0
	// 1.05ms – 2.10ms █ 1
}
