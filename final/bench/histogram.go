package bench

import (
	"fmt"
	"io"
	"math/bits"
	"strings"
	"time"

	"bytestream/final/units"
)

// Bucket counts the samples in [Low, High).
type Bucket struct {
	Low   time.Duration `json:"low_ns"`
	High  time.Duration `json:"high_ns"`
	Count int           `json:"count"`
}

// Histogram sorts samples into buckets whose bounds double (1 µs, 2 µs,
// 4 µs, ...). Log-scale buckets give the rare slow round trips, a hundred
// times the median, a row of their own instead of lumping them into the
// last of a few equal-width bars.
func Histogram(s Samples) []Bucket {
	if len(s) == 0 {
		return nil
	}
	lo, hi := bucketIndex(s[0]), bucketIndex(s[0])
	for _, d := range s {
		lo, hi = min(lo, bucketIndex(d)), max(hi, bucketIndex(d))
	}
	buckets := make([]Bucket, hi-lo+1)
	for i := range buckets {
		buckets[i] = Bucket{Low: bucketLow(lo + i), High: bucketLow(lo + i + 1)}
	}
	for _, d := range s {
		buckets[bucketIndex(d)-lo].Count++
	}
	return buckets
}

// bucketIndex is the position of d's highest set bit: samples in
// [2^k, 2^(k+1)) nanoseconds share index k+1; zero and negatives share 0.
func bucketIndex(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return bits.Len64(uint64(d))
}

func bucketLow(i int) time.Duration {
	if i == 0 {
		return 0
	}
	return time.Duration(1) << (i - 1)
}

// histogramWidth is the length of the longest bar, in characters.
const histogramWidth = 40

// WriteHistogram draws buckets as horizontal bars, one line each, with the
// count at the end. Bar length is proportional to the count, but any
// non-empty bucket gets at least one character so the tail stays visible.
func WriteHistogram(w io.Writer, buckets []Bucket, bar func(string) string) error {
	most := 0
	for _, b := range buckets {
		most = max(most, b.Count)
	}
	var out strings.Builder
	for _, b := range buckets {
		n := 0
		if b.Count > 0 {
			n = max(1, b.Count*histogramWidth/most)
		}
		fmt.Fprintf(&out, "  %9s – %-9s %s%s %d\n", units.FormatDuration(b.Low), units.FormatDuration(b.High),
			bar(strings.Repeat("█", n)), strings.Repeat(" ", histogramWidth-n), b.Count)
	}
	_, err := io.WriteString(w, out.String())
	return err
}
