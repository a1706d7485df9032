package grade

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// check is one thing a stage asks of a server.
type check struct {
	name string
	doc  string // one line, for -list
	run  func(t *T) error
	// waits, for a check that waits for the server's timeouts, is how
	// long that takes: it is added to the check's own timeout.
	waits func(Timeouts) time.Duration
}

// T is what a running check holds: the server, the stage, a seeded random
// source of its own (so -run repeats a check's cuts exactly) and its
// deadline.
type T struct {
	ctx      context.Context
	target   *target
	stage    *Stage
	rng      *rand.Rand
	seed     int64
	timeout  time.Duration
	deadline time.Time
	timeouts *Timeouts // the short timeouts the server was started with, or nil
}

// skipError is a check that cannot run here, with the reason.
type skipError struct{ why string }

func (e *skipError) Error() string { return e.why }

func skipf(format string, args ...any) error { return &skipError{fmt.Sprintf(format, args...)} }

// newT prepares check c to run.
func newT(ctx context.Context, tg *target, st *Stage, c check, cfg *Config) *T {
	seed := cfg.Seed ^ int64(hashName(c.name))
	t := &T{ctx: ctx, target: tg, stage: st, seed: seed,
		rng:     rand.New(rand.NewPCG(uint64(seed), uint64(st.Number))),
		timeout: cfg.Timeout, deadline: time.Now().Add(cfg.Timeout), timeouts: cfg.timeouts()}
	if c.waits != nil && t.timeouts != nil {
		t.deadline = t.deadline.Add(c.waits(*t.timeouts))
	}
	return t
}

// hashName spreads check names over seeds (FNV-1a).
func hashName(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

// runCheck runs c until its deadline and says whether it passed, failed
// or was skipped, with the error that says why.
func runCheck(t *T, c check) (status string, err error) {
	ctx, cancel := context.WithDeadline(t.ctx, t.deadline)
	defer cancel()
	t.ctx = ctx
	err = c.run(t)
	var skip *skipError
	switch {
	case err == nil:
		return statusPass, nil
	case errors.As(err, &skip):
		return statusSkip, err
	}
	return statusFail, err
}

// The statuses of a check.
const (
	statusPass = "pass"
	statusFail = "fail"
	statusSkip = "skip"
)
