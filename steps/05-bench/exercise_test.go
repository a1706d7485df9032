//go:build exercise

package main

import (
	"strings"
	"testing"
	"time"
)

// TestExerciseLatencyShowsP999 is the test behind chapter 05's exercise 1:
// with 2000 samples, p99 still hides the 20 slowest round trips. Add p99.9
// to the summary line that printLatency prints, between p99 and max. It
// fails until the exercise is done. Do the exercise in your copy of the
// step, and run the test with
//
//	go run ./lab exercises check 05.1
func TestExerciseLatencyShowsP999(t *testing.T) {
	t.Parallel()
	var samples []time.Duration
	for i := 1; i <= 2000; i++ {
		samples = append(samples, time.Duration(i)*time.Microsecond)
	}
	var out strings.Builder
	printLatency(&out, samples)
	if want := "p99 1.98ms  p99.9 2ms  max 2ms"; !strings.Contains(out.String(), want) {
		t.Errorf("printLatency printed\n%s\nwant a line with %q.\n"+
			"Next: add p99.9, the percentile 99.9, between p99 and max in printLatency.", out.String(), want)
	}
}
