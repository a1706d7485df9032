package labtest

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/rogpeppe/go-internal/testscript"
)

// CmpLog implements `cmplog [-keep RE] [-drop RE] [-mask RE]... stdout|stderr|FILE WANT`.
// It compares a log with a recorded run of the same commands, kept in the
// script as WANT, so that a chapter can show a real log (embedded from
// WANT) and a test fails when the program no longer prints it.
//
// Both sides are reduced the same way before they are compared: only the
// lines matching -keep are kept (all of them without it), the lines
// matching -drop are dropped (say, a histogram whose rows vary), every match of
// each -mask is replaced by "…" (the parts that differ from run to run,
// such as times and ports, which the script names), and runs of spaces
// become one, since a masked number may be padded to another width.
// Everything else must be equal, line for line.
func CmpLog(ts *testscript.TestScript, neg bool, args []string) {
	f, err := parseCmpLog(args)
	if err != nil {
		ts.Fatalf("cmplog: %v", err)
	}
	got := f.reduce(ts.ReadFile(f.got))
	want := f.reduce(ts.ReadFile(f.want))
	same := got == want
	switch {
	case same && neg:
		ts.Fatalf("%s matches %s", f.got, f.want)
	case !same && !neg:
		ts.Logf("%s", diff.Diff(f.want, []byte(want), f.got, []byte(got)))
		ts.Fatalf("%s and %s differ beyond the masked parts; if the program's output changed on purpose, record a new run into %s",
			f.got, f.want, f.want)
	}
}

// cmpLog is what one cmplog line asks for.
type cmpLog struct {
	keep, drop *regexp.Regexp
	masks      []*regexp.Regexp
	got, want  string
}

// parseCmpLog reads cmplog's flags and the two names.
func parseCmpLog(args []string) (*cmpLog, error) {
	f := &cmpLog{}
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		if len(args) < 2 {
			return nil, fmt.Errorf("%s needs a regular expression", args[0])
		}
		re, err := regexp.Compile(args[1])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", args[0], err)
		}
		switch args[0] {
		case "-keep":
			f.keep = re
		case "-drop":
			f.drop = re
		case "-mask":
			f.masks = append(f.masks, re)
		default:
			return nil, fmt.Errorf("unknown flag %s", args[0])
		}
		args = args[2:]
	}
	if len(args) != 2 {
		return nil, fmt.Errorf("usage: cmplog [-keep RE] [-drop RE] [-mask RE]... stdout|stderr|FILE WANT")
	}
	f.got, f.want = args[0], args[1]
	return f, nil
}

// reduce keeps the lines of text that f keeps and does not drop, masks
// each match of f's masks, and collapses runs of spaces.
func (f *cmpLog) reduce(text string) string {
	var b strings.Builder
	for line := range strings.Lines(text) {
		line = strings.TrimRight(line, "\n")
		if f.keep != nil && !f.keep.MatchString(line) || f.drop != nil && f.drop.MatchString(line) {
			continue
		}
		for _, m := range f.masks {
			line = m.ReplaceAllString(line, "…")
		}
		b.WriteString(strings.Join(strings.Fields(line), " ") + "\n")
	}
	return b.String()
}
