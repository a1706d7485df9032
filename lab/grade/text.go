package grade

import (
	"fmt"
	"io"
	"strings"
)

// WriteHeader prints what is about to be graded, with the seed that
// repeats it.
func WriteHeader(w io.Writer, cfg *Config) {
	fmt.Fprintf(w, "lab grade: stage %d, %s (%s)\n", cfg.Stage.Number, cfg.Stage.Title, cfg.Stage.Chapter)
	fmt.Fprintf(w, "lab grade: seed %d (repeat with -seed %d)\n", cfg.Seed, cfg.Seed)
}

// WriteResult prints one check: a line, and for a failure the detail that
// explains it. withTime adds how long the check took.
func WriteResult(w io.Writer, r Result, withTime bool) {
	var b strings.Builder
	b.WriteString(strings.ToUpper(r.Status) + " " + r.Name)
	if withTime {
		fmt.Fprintf(&b, " (%dms)", r.DurationMS)
	}
	if r.Message != "" {
		b.WriteString(": " + r.Message)
	}
	b.WriteString("\n")
	b.WriteString(r.Detail)
	for i, line := range r.Replay {
		label := "          "
		if i == 0 {
			label = "  replay  "
		}
		fmt.Fprintf(&b, "%s%s\n", label, line)
	}
	io.WriteString(w, b.String())
}

// WriteSummary prints the verdict.
func WriteSummary(w io.Writer, rep *Report) {
	if rep.Error != "" {
		fmt.Fprintf(w, "lab grade: stage %d not graded: %s\n", rep.Stage, rep.Error)
		return
	}
	verdict := "FAILED"
	switch {
	case rep.Passed:
		verdict = "PASSED"
	case rep.Interrupted:
		verdict = "INTERRUPTED"
	}
	fmt.Fprintf(w, "lab grade: stage %d %s: %d passed, %d failed, %d skipped\n",
		rep.Stage, verdict, rep.Count(statusPass), rep.Count(statusFail), rep.Count(statusSkip))
}

// WriteList prints every stage and its checks, for -list.
func WriteList(w io.Writer) {
	for _, s := range Stages {
		fmt.Fprintf(w, "stage %d: %s (%s)\n", s.Number, s.Title, s.Chapter)
		for _, c := range s.checks {
			fmt.Fprintf(w, "  %-18s %s\n", c.name, c.doc)
		}
	}
}
