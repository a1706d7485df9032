package labtest

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/rogpeppe/go-internal/testscript"
)

// CmpLog implements `cmplog [-keep RE] [-mask RE]... stdout|stderr|FILE WANT`.
// It compares a log with a recorded run of the same commands, kept in the
// script as WANT, so that a chapter can show a real log (embedded from
// WANT) and a test fails when the program no longer prints it.
//
// Both sides are reduced the same way before they are compared: only the
// lines matching -keep are kept (all of them without it), every match of
// each -mask is replaced by "…" (the parts that differ from run to run,
// such as times and ports, which the script names), and runs of spaces
// become one, since a masked number may be padded to another width.
// Everything else must be equal, line for line.
func CmpLog(ts *testscript.TestScript, neg bool, args []string) {
	keep, masks, args, err := parseCmpLog(args)
	if err != nil {
		ts.Fatalf("cmplog: %v", err)
	}
	got := reduceLog(ts.ReadFile(args[0]), keep, masks)
	want := reduceLog(ts.ReadFile(args[1]), keep, masks)
	same := got == want
	switch {
	case same && neg:
		ts.Fatalf("%s matches %s", args[0], args[1])
	case !same && !neg:
		ts.Logf("%s", diff.Diff(args[1], []byte(want), args[0], []byte(got)))
		ts.Fatalf("%s and %s differ beyond the masked parts; if the program's output changed on purpose, record a new run into %s",
			args[0], args[1], args[1])
	}
}

// parseCmpLog reads cmplog's flags and leaves the two names.
func parseCmpLog(args []string) (keep *regexp.Regexp, masks []*regexp.Regexp, rest []string, err error) {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		if len(args) < 2 {
			return nil, nil, nil, fmt.Errorf("%s needs a regular expression", args[0])
		}
		re, err := regexp.Compile(args[1])
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", args[0], err)
		}
		switch args[0] {
		case "-keep":
			keep = re
		case "-mask":
			masks = append(masks, re)
		default:
			return nil, nil, nil, fmt.Errorf("unknown flag %s", args[0])
		}
		args = args[2:]
	}
	if len(args) != 2 {
		return nil, nil, nil, fmt.Errorf("usage: cmplog [-keep RE] [-mask RE]... stdout|stderr|FILE WANT")
	}
	return keep, masks, args, nil
}

// reduceLog keeps the lines of text that keep matches, masks each match of
// masks, and collapses runs of spaces.
func reduceLog(text string, keep *regexp.Regexp, masks []*regexp.Regexp) string {
	var b strings.Builder
	for line := range strings.Lines(text) {
		line = strings.TrimRight(line, "\n")
		if keep != nil && !keep.MatchString(line) {
			continue
		}
		for _, m := range masks {
			line = m.ReplaceAllString(line, "…")
		}
		b.WriteString(strings.Join(strings.Fields(line), " ") + "\n")
	}
	return b.String()
}
