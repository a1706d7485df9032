package main

import (
	"bufio"
	"encoding/binary"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/nettest"

	"bytestream/lab/shape"
)

// ms turns whole milliseconds into samples.
func ms(values ...int) []time.Duration {
	samples := make([]time.Duration, len(values))
	for i, v := range values {
		samples[i] = time.Duration(v) * time.Millisecond
	}
	return samples
}

func TestPercentileIsTheNearestRankOfSortedSamples(t *testing.T) {
	t.Parallel()
	var samples []time.Duration
	for i := 1; i <= 2000; i++ {
		samples = append(samples, time.Duration(i)*time.Microsecond)
	}
	for p, want := range map[float64]time.Duration{
		0.01: 1 * time.Microsecond, // rank 1: the smallest sample, never index -1
		50:   1000 * time.Microsecond,
		99:   1980 * time.Microsecond, // 20 samples are slower
		100:  2000 * time.Microsecond,
	} {
		if got := percentile(samples, p); got != want {
			t.Errorf("p%v = %v, want %v", p, got, want)
		}
	}
}

func TestTheMeanHidesWhatThePercentilesShow(t *testing.T) {
	t.Parallel()
	// 98 fast round trips and 2 that waited for something else.
	samples := ms(slices.Repeat([]int{1}, 98)...)
	samples = append(samples, ms(500, 500)...)
	if p50 := percentile(samples, 50); p50 != time.Millisecond {
		t.Fatalf("p50 = %v, want 1ms", p50)
	}
	// The mean is 11ms: ten times what almost every client saw, and still
	// nowhere near what the unlucky two saw. p99 tells the truth about them.
	if got := mean(samples); got != 10980*time.Microsecond {
		t.Errorf("mean = %v, want 10.98ms", got)
	}
	if got := percentile(samples, 99); got != 500*time.Millisecond {
		t.Errorf("p99 = %v, want 500ms", got)
	}
}

func TestHistogramPutsEverySampleInExactlyOneRoundBucket(t *testing.T) {
	t.Parallel()
	samples := []time.Duration{
		13 * time.Microsecond, 13 * time.Microsecond, 14 * time.Microsecond,
		19 * time.Microsecond, 20 * time.Microsecond, 3 * time.Millisecond,
	}
	got := histogram(samples)
	want := []bucket{
		{12 * time.Microsecond, 15 * time.Microsecond, 3},
		{15 * time.Microsecond, 20 * time.Microsecond, 1},
		{20 * time.Microsecond, 25 * time.Microsecond, 1},
		{3 * time.Millisecond, 4 * time.Millisecond, 1}, // empty buckets left out
	}
	if !slices.Equal(got, want) {
		t.Errorf("histogram = %v\nwant %v", got, want)
	}
}

func TestPlateauIsTheFirstSizeWithinTenPercentOfTheBest(t *testing.T) {
	t.Parallel()
	speeds := []float64{10, 100, 920, 1000, 950}
	if at, best := plateau(speeds); at != 2 || best != 1000 {
		t.Errorf("plateau = %d, %v; want 2, 1000", at, best)
	}
}

func TestParseSizesKnowsKAndMAndTheLimit(t *testing.T) {
	t.Parallel()
	got, err := parseSizes("64,1K,16M")
	if want := []int{64, 1024, 16 << 20}; err != nil || !slices.Equal(got, want) {
		t.Errorf("parseSizes = %v, %v; want %v", got, want, err)
	}
	for _, bad := range []string{"17M", "-1", "1G", ""} {
		if _, err := parseSizes(bad); err == nil {
			t.Errorf("parseSizes(%q) succeeded, want an error", bad)
		}
	}
}

func TestCheckAckRefusesAWrongAnswer(t *testing.T) {
	t.Parallel()
	if err := checkAck(typeAck, []byte{0, 0, 0, 0, 0, 0, 0, 7}, 7); err != nil {
		t.Errorf("ACK 7 for 7: %v", err)
	}
	if err := checkAck(typeAck, []byte{0, 0, 0, 0, 0, 0, 0, 7}, 8); err == nil {
		t.Error("ACK 7 accepted where 8 was due")
	}
	if err := checkAck(typeError, []byte("no"), 7); err == nil {
		t.Error("an ERROR accepted as an ACK")
	}
}

// A fast server that answers nonsense gets no speed at all: the first wrong
// ACK total stops the measurement, in both modes (chapter 05, check
// yourself 3).
func TestABenchAgainstAServerThatMiscountsReportsNoSpeed(t *testing.T) {
	t.Parallel()
	addr := startMiscounter(t)
	for name, measure := range map[string]func(string, int, time.Duration) (rate, error){
		"stop-and-wait": stopAndWait,
		"pipelined":     pipelined,
	} {
		r, err := measure(addr, 64, 20*time.Millisecond)
		if err == nil || !strings.Contains(err.Error(), "want ACK") {
			t.Errorf("%s against a miscounting server: %+v, %v; want an error naming the ACK it wanted", name, r, err)
		}
	}
	if rows, err := measureThroughput(addr, []int{64}, 20*time.Millisecond); err == nil {
		t.Errorf("measureThroughput reported %+v; want no rows and an error", rows)
	}
}

// startMiscounter serves DATA at once, with an ACK total one too high.
func startMiscounter(t *testing.T) string {
	t.Helper()
	ln, err := nettest.NewLocalListener("tcp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				in := bufio.NewReader(conn)
				total := uint64(0)
				for {
					_, payload, err := readFrame(in, maxPayloadSize)
					if err != nil {
						return
					}
					total += uint64(len(payload))
					if err := writeFrame(conn, typeAck, binary.BigEndian.AppendUint64(nil, total+1)); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// Every measurement runs against a real server over loopback, here one whose
// reads are cut into seeded 1-to-7-byte pieces, so the ACK totals that
// checkAck verifies are computed from a stream cut every which way.
func TestMeasurementsAgainstARealServer(t *testing.T) {
	t.Parallel()
	addr, _ := startServer(t, shape.Options{Read: shape.Rule{SplitMin: 1, SplitMax: 7, Coalesce: 5 * time.Millisecond}, Seed: 5})

	samples, err := measurePings(addr, 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(samples) != 20 || !slices.IsSorted(samples) || samples[0] <= 0 {
		t.Errorf("measurePings returned %d samples, sorted %v, smallest %v", len(samples), slices.IsSorted(samples), samples[0])
	}
	for name, measure := range map[string]func(string, int, time.Duration) (rate, error){
		"stop-and-wait": stopAndWait,
		"pipelined":     pipelined,
	} {
		r, err := measure(addr, 100, 20*time.Millisecond)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if r.frames < 1 || r.size != 100 || r.elapsed <= 0 {
			t.Errorf("%s: %+v, want at least one acknowledged 100-byte frame", name, r)
		}
	}
}
