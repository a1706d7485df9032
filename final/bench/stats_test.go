package bench

import (
	"math/rand/v2"
	"testing"
	"time"
)

// oneToHundred returns 1µs..100µs in a seeded shuffled order, so the tests
// also check that Summarize sorts.
func oneToHundred() Samples {
	s := make(Samples, 100)
	for i := range s {
		s[i] = time.Duration(i+1) * time.Microsecond
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
	return s
}

func TestSummarizeKnownData(t *testing.T) {
	t.Parallel()
	got := Summarize(oneToHundred())
	want := Summary{
		Count: 100,
		Min:   1 * time.Microsecond,
		P50:   50 * time.Microsecond,
		P90:   90 * time.Microsecond,
		P99:   99 * time.Microsecond,
		P999:  100 * time.Microsecond,
		Max:   100 * time.Microsecond,
		Mean:  50500 * time.Nanosecond,
		// Population standard deviation of 1..100 is sqrt((100²-1)/12) µs.
		StdDev: 28866 * time.Nanosecond,
	}
	if got != want {
		t.Errorf("Summarize(1..100µs)\n got %+v\nwant %+v", got, want)
	}
}

func TestPercentileIsAMeasuredValue(t *testing.T) {
	t.Parallel()
	// Nearest rank never interpolates: with two samples, p50 is the lower
	// one and p50.1 the upper one, never something in between.
	s := Samples{10, 30}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{{0, 10}, {50, 10}, {50.1, 30}, {99.9, 30}, {100, 30}} {
		if got := percentile(s, tc.p); got != tc.want {
			t.Errorf("percentile({10,30}, %v) = %v, want %v", tc.p, got, tc.want)
		}
	}
}

func TestSummarizeOfNothingIsZero(t *testing.T) {
	t.Parallel()
	if got := Summarize(nil); got != (Summary{}) {
		t.Errorf("Summarize(nil) = %+v, want zero", got)
	}
}

func TestMergeGivesPercentilesOfEverySample(t *testing.T) {
	t.Parallel()
	// One fast client and one slow client: the merged p99 is the slow
	// client's tail, while averaging the two p99s would report 74µs, a
	// figure no round trip ever took.
	all := oneToHundred()
	var fast, slow Samples
	for _, d := range all {
		if d <= 50*time.Microsecond {
			fast = append(fast, d)
		} else {
			slow = append(slow, d)
		}
	}
	merged := Summarize(Merge(fast, slow))
	if want := Summarize(all); merged != want {
		t.Errorf("Summarize(Merge(fast, slow)) = %+v, want %+v", merged, want)
	}
	averaged := (Summarize(fast).P99 + Summarize(slow).P99) / 2
	if averaged == merged.P99 {
		t.Errorf("averaged per-client p99 %v equals merged p99; the test data should tell them apart", averaged)
	}
	if len(fast) != 50 || len(slow) != 50 {
		t.Fatalf("split 50/50, got %d/%d", len(fast), len(slow))
	}
}

func TestMergeDoesNotAliasItsInputs(t *testing.T) {
	t.Parallel()
	a := Samples{3, 1}
	m := Merge(a)
	m[0] = 99
	if a[0] != 3 {
		t.Errorf("writing the merged set changed the input: %v", a)
	}
}

func TestHistogramBucketsDouble(t *testing.T) {
	t.Parallel()
	// 1000ns has its highest bit at 512, so it lands in [512ns, 1024ns);
	// 1500 and 2047 in [1024ns, 2048ns); 5000 in [4096ns, 8192ns). The
	// empty bucket between them is still listed so the gap is visible.
	got := Histogram(Samples{1000, 1500, 2047, 5000})
	want := []Bucket{
		{Low: 512, High: 1024, Count: 1},
		{Low: 1024, High: 2048, Count: 2},
		{Low: 2048, High: 4096, Count: 0},
		{Low: 4096, High: 8192, Count: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("Histogram gave %d buckets %+v, want %+v", len(got), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("bucket %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestHistogramCountsEverySample(t *testing.T) {
	t.Parallel()
	s := oneToHundred()
	total := 0
	for _, b := range Histogram(s) {
		total += b.Count
	}
	if total != len(s) {
		t.Errorf("buckets hold %d samples, want %d", total, len(s))
	}
}

func TestPlateau(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		rows  []Point
		want  int
		found bool
	}{
		{"is the smallest size within 90% of the best",
			[]Point{{16, 10}, {1024, 80}, {4096, 95}, {65536, 100}, {1 << 20, 97}}, 4096, true},
		{"does not need the rows in order",
			[]Point{{1 << 20, 97}, {65536, 100}, {4096, 95}, {16, 10}}, 4096, true},
		{"counts exactly 90% as reached",
			[]Point{{64, 90}, {128, 100}}, 64, true},
		{"ignores a later dip below 90%",
			[]Point{{64, 50}, {256, 100}, {1024, 60}}, 256, true},
		{"is absent when nothing was measured", nil, 0, false},
		{"is absent when every rate is zero", []Point{{64, 0}}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, found := PlateauSize(tc.rows)
			if got != tc.want || found != tc.found {
				t.Errorf("PlateauSize(%v) = %d, %v; want %d, %v", tc.rows, got, found, tc.want, tc.found)
			}
		})
	}
}

func TestRoundsShareOutEveryPing(t *testing.T) {
	t.Parallel()
	for _, pings := range []int{1, 7, 200, 20000} {
		warm, sum := 0, 0
		for round := range rounds {
			w, n := roundShare(1000, pings, round)
			warm, sum = warm+w, sum+n
		}
		if warm != 1000 || sum != pings {
			t.Errorf("%d pings over %d rounds: %d warm-up and %d measured, want 1000 and %d", pings, rounds, warm, sum, pings)
		}
	}
}

func TestInSequenceAddsTimesAndBytes(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1000, 0)
	got := inSequence([]transfer{
		{Frames: 2, PayloadBytes: 200, WireBytes: 210, AckTotal: 200, Start: t0, End: t0.Add(time.Second)},
		{Frames: 1, PayloadBytes: 100, WireBytes: 105, AckTotal: 100, Start: t0.Add(time.Hour), End: t0.Add(time.Hour + 2*time.Second)},
	})
	want := transfer{Frames: 3, PayloadBytes: 300, WireBytes: 315, AckTotal: 300, Start: t0, End: t0.Add(3 * time.Second)}
	if got != want {
		t.Errorf("inSequence = %+v, want %+v (the hour between rounds must not count)", got, want)
	}
}
