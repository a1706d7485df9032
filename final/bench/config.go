package bench

import (
	"errors"
	"fmt"
	"time"

	"bytestream/final/frame"
)

// Config says what to measure. DefaultConfig fills every field with the
// command's defaults; the zero value is not runnable.
type Config struct {
	// Addr is an external server to measure. "" starts a server in this
	// process on 127.0.0.1:0, and with it the raw TCP baseline.
	Addr string
	// Conns is how many clients run each experiment at the same time.
	Conns int
	// Warmup and Pings are the unmeasured and measured round trips per
	// client; PingSize is the PING payload in bytes.
	Warmup, Pings, PingSize int
	// Sizes are the DATA payload sizes, each measured in both modes.
	Sizes []int
	// Duration is the time budget of each (size, mode) throughput run.
	Duration time.Duration
	// Timeout fails the run when a connection makes no progress (no
	// answer, no write accepted) for this long: a server that stops
	// answering must not hang the bench. Zero waits forever.
	Timeout time.Duration
	// Rate, if above zero, replaces the experiments above with the open
	// loop (openloop.go): PINGs of PingSize sent at Rate per second over
	// all connections for Duration, on a schedule, whatever the answers
	// do; then the raw echo on the same schedule, and a closed loop for
	// comparison.
	Rate float64
	// Sweep replaces them with the latency-versus-load curve (sweep.go):
	// the open loop at 10% to 120% of the rate the server sustains.
	Sweep bool
	// Progress, if set, is told before each experiment starts: the step
	// number (from 1), how many steps there are, and what runs.
	Progress func(step, steps int, what string)
}

// DefaultSizes are 16 B to 16 MiB in ×4 steps: from frames dominated by
// their 5-byte header to the protocol's largest payload.
func DefaultSizes() []int {
	var sizes []int
	for s := 16; s <= frame.DefaultMaxPayload; s *= 4 {
		sizes = append(sizes, s)
	}
	return sizes
}

// DefaultConfig is what `final bench` runs with no flags: about 16 seconds
// on a two-core machine.
func DefaultConfig() Config {
	return Config{
		Conns:    1,
		Warmup:   1000,
		Pings:    20000,
		PingSize: 8,
		Sizes:    DefaultSizes(),
		Duration: 500 * time.Millisecond,
		Timeout:  10 * time.Second,
	}
}

// maxRate bounds -rate: far beyond any server on one machine, and low
// enough that a schedule's request count fits its arithmetic.
const maxRate = 1e9

// Embedded reports whether the run starts its own server (and so also
// measures the raw baseline).
func (c Config) Embedded() bool { return c.Addr == "" }

// Validate reports every setting Run would refuse, so a command line can
// treat them as usage errors before anything starts.
func (c Config) Validate() error {
	var errs []error
	if c.Conns < 1 {
		errs = append(errs, fmt.Errorf("conns %d: want at least 1", c.Conns))
	}
	if c.Pings < 1 || c.Warmup < 0 {
		errs = append(errs, fmt.Errorf("pings %d, warmup %d: want at least 1 measured ping and no negative warm-up", c.Pings, c.Warmup))
	}
	if c.PingSize < 0 || c.PingSize > frame.DefaultMaxPayload {
		errs = append(errs, fmt.Errorf("ping size %d: want 0 to %d bytes", c.PingSize, frame.DefaultMaxPayload))
	}
	if len(c.Sizes) == 0 {
		errs = append(errs, errors.New("no payload sizes"))
	}
	for _, s := range c.Sizes {
		// A zero-byte DATA frame leaves the ACK total unchanged, so the
		// end of a pipelined run could not be told from its start.
		if s < 1 || s > frame.DefaultMaxPayload {
			errs = append(errs, fmt.Errorf("payload size %d: want 1 to %d bytes", s, frame.DefaultMaxPayload))
		}
	}
	if c.Duration <= 0 {
		errs = append(errs, fmt.Errorf("duration %v: want more than zero", c.Duration))
	}
	if !(c.Rate >= 0 && c.Rate <= maxRate) { // NaN too, which fails every comparison
		errs = append(errs, fmt.Errorf("rate %g: want 0 (no open loop) to %g requests per second", c.Rate, float64(maxRate)))
	}
	if c.Rate > 0 && c.Sweep {
		errs = append(errs, errors.New("rate and sweep: the sweep chooses its own rates; give one or the other"))
	}
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("timeout %v: want zero (none) or more", c.Timeout))
	}
	return errors.Join(errs...)
}
