package exercises

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// runHint shows an exercise's next hint, one at a time: the first call
// shows hint 1, the next hint 2, and so on. `hint ID N` shows hint N.
func runHint(c *course, con *console, o options) error {
	if len(o.args) > 2 {
		return usagef("hint takes an exercise id and a hint number at most, as in: hint 03.1 2")
	}
	var e *Exercise
	var err error
	if len(o.args) == 0 {
		if e, err = c.next(); err != nil {
			return err
		}
		if e == nil {
			return fmt.Errorf("every code exercise is done; for a question's hints: hint ID")
		}
	} else if e, err = c.find(o.args[0]); err != nil {
		return err
	}
	// A bad hint number is refused before the learner's copy is made: a
	// mistyped command changes nothing.
	n := min(c.hintsShown(e)+1, len(e.Hints))
	if len(o.args) == 2 {
		if n, err = strconv.Atoi(o.args[1]); err != nil || n < 1 || n > len(e.Hints) {
			return usagef("%s has hints 1 to %d, not %q", e.ID, len(e.Hints), o.args[1])
		}
	}
	if err := c.ensureWorkspace(e.Step, con.say); err != nil {
		return err
	}
	con.say("%s %s: hint %d of %d\n\n%s\n\n", e.ID, e.Title, n, len(e.Hints), indent(e.Hints[n-1]))
	if n < len(e.Hints) {
		con.say("The next one: go run ./lab exercises hint %s\n", e.ID)
	} else {
		con.say("That was the last hint. The %s, after a warning: go run ./lab exercises solution %s\n", answerWord(e), e.ID)
	}
	if n > c.hintsShown(e) {
		return c.setHintsShown(e, n)
	}
	return nil
}

// answerWord names what `solution` shows for e.
func answerWord(e *Exercise) string {
	if e.Code() {
		return "solution"
	}
	return "answer"
}

// indent sets text off by two spaces a line.
func indent(text string) string {
	return "  " + strings.ReplaceAll(text, "\n", "\n  ")
}

// hintsFile records how many hints the learner has seen, per exercise of
// the step, one "ID N" a line. It lives in the step's copy, which the
// learner owns and git ignores.
func (c *course) hintsFile(e *Exercise) string {
	return filepath.Join(c.root, workspace(e.Step), ".hints")
}

// hintsShown is how many of e's hints the learner has seen.
func (c *course) hintsShown(e *Exercise) int {
	data, _ := os.ReadFile(c.hintsFile(e))
	for line := range strings.Lines(string(data)) {
		if id, n, ok := strings.Cut(strings.TrimSpace(line), " "); ok && id == e.ID {
			count, _ := strconv.Atoi(n)
			return count
		}
	}
	return 0
}

func (c *course) setHintsShown(e *Exercise, n int) error {
	data, _ := os.ReadFile(c.hintsFile(e))
	var out strings.Builder
	for line := range strings.Lines(string(data)) {
		if id, _, _ := strings.Cut(line, " "); id != e.ID {
			out.WriteString(line)
		}
	}
	fmt.Fprintf(&out, "%s %d\n", e.ID, n)
	return os.WriteFile(c.hintsFile(e), []byte(out.String()), 0o644)
}
