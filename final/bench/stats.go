package bench

import (
	"math"
	"slices"
	"time"
)

// Samples holds round-trip times. Percentiles are computed exactly, over
// every sample: at 20,000 samples per client sorting costs a millisecond, and
// exact figures merge correctly across clients, which averaged or
// pre-bucketed per-client percentiles do not.
type Samples []time.Duration

// Merge returns the samples of all clients as one set. The percentiles of
// the result are the percentiles of everything measured, not an average of
// per-client percentiles (averaging p99s hides the worst client).
func Merge(sets ...Samples) Samples {
	var n int
	for _, s := range sets {
		n += len(s)
	}
	all := make(Samples, 0, n)
	for _, s := range sets {
		all = append(all, s...)
	}
	return all
}

// Summary is what the report prints about a set of samples. Durations are in
// nanoseconds in JSON.
type Summary struct {
	Count  int           `json:"count"`
	Min    time.Duration `json:"min_ns"`
	P50    time.Duration `json:"p50_ns"`
	P90    time.Duration `json:"p90_ns"`
	P99    time.Duration `json:"p99_ns"`
	P999   time.Duration `json:"p999_ns"`
	Max    time.Duration `json:"max_ns"`
	Mean   time.Duration `json:"mean_ns"`
	StdDev time.Duration `json:"stddev_ns"`
}

// Summarize sorts a copy of s and computes its Summary. An empty set gives
// the zero Summary.
func Summarize(s Samples) Summary {
	if len(s) == 0 {
		return Summary{}
	}
	sorted := slices.Clone(s)
	slices.Sort(sorted)
	mean, sd := meanStdDev(sorted)
	return Summary{
		Count:  len(sorted),
		Min:    sorted[0],
		P50:    percentile(sorted, 50),
		P90:    percentile(sorted, 90),
		P99:    percentile(sorted, 99),
		P999:   percentile(sorted, 99.9),
		Max:    sorted[len(sorted)-1],
		Mean:   mean,
		StdDev: sd,
	}
}

// percentile returns the nearest-rank percentile of sorted samples: the
// smallest sample such that at least p percent of all samples are less than
// or equal to it. It is always a value that was really measured.
func percentile(sorted Samples, p float64) time.Duration {
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// meanStdDev returns the mean and the population standard deviation,
// accumulated in float64 so that 20,000 nanosecond sums cannot overflow.
func meanStdDev(s Samples) (mean, sd time.Duration) {
	var sum float64
	for _, d := range s {
		sum += float64(d)
	}
	m := sum / float64(len(s))
	var sq float64
	for _, d := range s {
		sq += (float64(d) - m) * (float64(d) - m)
	}
	return time.Duration(math.Round(m)), time.Duration(math.Round(math.Sqrt(sq / float64(len(s)))))
}

// Quantile is one point of a percentile curve.
type Quantile struct {
	Percent float64       `json:"percent"`
	Value   time.Duration `json:"value_ns"`
}

// curvePercents are where the latency curve is sampled: evenly up to the
// median, then ever closer to 100, because the tail is where the story is.
var curvePercents = []float64{0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100}

// Curve returns the samples' percentiles at curvePercents, for plotting.
func Curve(s Samples) []Quantile {
	if len(s) == 0 {
		return nil
	}
	sorted := slices.Clone(s)
	slices.Sort(sorted)
	q := make([]Quantile, len(curvePercents))
	for i, p := range curvePercents {
		q[i] = Quantile{Percent: p, Value: percentile(sorted, p)}
	}
	return q
}
