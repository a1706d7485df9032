//go:build exercise

package main

import (
	"strings"
	"testing"
	"time"
)

// TestExerciseLatencyShowsP999 is the test behind chapter 05's first
// exercise: with 2000 samples, p99 still hides the 20 slowest round trips.
// Add p99.9 to the summary line that printLatency prints, between p99 and
// max. It fails until the exercise is done. Run it with
//
//	go test -tags exercise -run Exercise ./steps/05-bench
func TestExerciseLatencyShowsP999(t *testing.T) {
	t.Parallel()
	var samples []time.Duration
	for i := 1; i <= 2000; i++ {
		samples = append(samples, time.Duration(i)*time.Microsecond)
	}
	var out strings.Builder
	printLatency(&out, samples)
	if want := "p99 1.98ms  p99.9 2ms  max 2ms"; !strings.Contains(out.String(), want) {
		t.Errorf("printLatency printed\n%s\nwant a line with %q", out.String(), want)
	}
}
