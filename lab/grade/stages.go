package grade

import (
	"fmt"
	"regexp"
)

// Stage is one chapter's server contract: what the grader sends, what it
// expects back, and the checks that prove it. A later stage that contains
// an earlier one repeats that one's checks.
type Stage struct {
	Number  int
	Title   string
	Chapter string // the chapter that teaches it, in docs/
	Framing string // lab proxy -frames for a replay: off, len4 or v1

	printing      *printFormat // stages 1–3: the server prints what it received
	shortMessages []string     // the printing stages' short stream
	checks        []check
}

// streamChecks are the checks every stage starts with. whole comes first:
// if it fails, the others are skipped.
var streamChecks = []check{checkWhole, checkCuts, checkRandomCuts, checkCoalesced}

var stage4Checks = append(append([]check(nil), streamChecks...), checkPipelined, checkMessageErrors, checkLimit)
var stage5Checks = append(append([]check(nil), stage4Checks...), checkBigFrames, checkPingPong)

// Stages are the six stages, following the chapters.
var Stages = []*Stage{
	{Number: 1, Title: "messages separated by newlines", Chapter: "docs/01-naive.md, exercise 1", Framing: "off",
		printing: &newlines, shortMessages: []string{"hello", "world"}, checks: streamChecks},
	{Number: 2, Title: "fixed-size records of 32 bytes", Chapter: "docs/02-readfull.md", Framing: "off",
		printing: &records, shortMessages: []string{"hello", "world"}, checks: streamChecks},
	{Number: 3, Title: "length-prefixed frames", Chapter: "docs/03-framing.md", Framing: "len4",
		printing: &lengthPrefixed, shortMessages: []string{"hello", "", "world"},
		checks: append(append([]check(nil), streamChecks...), checkLimit)},
	{Number: 4, Title: "typed messages: ACK, PONG, ERROR", Chapter: "docs/04-messages.md", Framing: "v1",
		checks: stage4Checks},
	{Number: 5, Title: "typed messages at speed: big frames, ping-pong", Chapter: "docs/05-bench.md", Framing: "v1",
		checks: stage5Checks},
	{Number: 6, Title: "the real world: limits, timeouts, half-close, crowds, shutdown", Chapter: "docs/06-teardown.md", Framing: "v1",
		checks: append(append([]check(nil), stage5Checks...),
			checkErrorBeforeClose, checkFrameTimeout, checkIdleTimeout, checkHalfClose, checkConcurrent, checkSigint)},
}

// StageByNumber returns stage n, or an error naming the stages there are.
func StageByNumber(n int) (*Stage, error) {
	if n < 1 || n > len(Stages) {
		return nil, fmt.Errorf("no stage %d: stages are 1 to %d (see -list)", n, len(Stages))
	}
	return Stages[n-1], nil
}

// Prints reports whether the stage reads the server's stdout.
func (s *Stage) Prints() bool { return s.printing != nil }

// Runs reports whether -run's re selects at least one of the stage's
// checks: one that selects none would grade nothing and report a failure.
func (s *Stage) Runs(re *regexp.Regexp) bool {
	for _, c := range s.checks {
		if re.MatchString(c.name) {
			return true
		}
	}
	return false
}

// hasTimeouts reports whether the stage checks timeouts, and so starts the
// server with -server-flags.
func (s *Stage) hasTimeouts() bool {
	for _, c := range s.checks {
		if c.name == checkFrameTimeout.name {
			return true
		}
	}
	return false
}
