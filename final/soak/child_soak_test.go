//go:build soak

package soak

import "time"

// The child's measurements that only the soak tests take.

// resetPeak restarts the child's peak-RSS measurement.
func (c *child) resetPeak() Stats {
	c.t.Helper()
	s, err := c.probe.ResetPeak()
	if err != nil {
		c.t.Fatalf("server memory: %v", err)
	}
	return s
}

// waitGoroutines polls the child until it runs at most want goroutines,
// and returns the last count. Connection goroutines end shortly after the
// socket closes, so a count that stays high means they leaked.
func (c *child) waitGoroutines(want int) int {
	c.t.Helper()
	deadline := time.Now().Add(mustFinish)
	for {
		n := c.stats().Goroutines
		if n <= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond) // polling a count: no event to wait on
	}
}
