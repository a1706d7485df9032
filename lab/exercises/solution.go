package exercises

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rogpeppe/go-internal/diff"
)

// runSolution shows, after a warning, an exercise's answer (question) or
// solution (code): the solution as a diff against the reference, then
// the diff from the learner's copy to the solution. -apply writes the
// solution into the copy.
func runSolution(c *course, con *console, o options) error {
	if len(o.args) != 1 {
		return usagef("solution takes one exercise id, as in: solution 03.1")
	}
	e, err := c.find(o.args[0])
	if err != nil {
		return err
	}
	if !o.yes && !confirm(con, e) {
		con.say("Not shown.\n")
		return nil
	}
	if !e.Code() {
		con.say("Answer to %s %s:\n\n%s\n", e.ID, e.Title, indent(e.Answer))
		return nil
	}
	solved, err := c.solved(e)
	if err != nil {
		return err
	}
	con.say("The solution of %s %s, as a diff against steps/%s:\n\n%s\n", e.ID, e.Title, e.Step, e.Patch)
	if o.apply {
		return c.apply(con, e)
	}
	if !c.hasWorkspace(e.Step) {
		con.say("You have no copy of step %s yet, so there is nothing of yours to compare.\n", e.Step)
		return nil
	}
	return c.compare(con, e, solved)
}

// compare shows how the learner's copy differs from the solution: what
// applying the solution to it would change or, where the learner changed
// the same lines, the whole difference from their file to the solution's.
func (c *course) compare(con *console, e *Exercise, solved map[string][]byte) error {
	onto, ontoErr := c.solvedOnto(e)
	for _, name := range slices.Sorted(maps.Keys(solved)) {
		mine, err := os.ReadFile(filepath.Join(c.root, workspace(e.Step), name))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		mineName := filepath.ToSlash(filepath.Join(workspace(e.Step), name))
		whole := diff.Diff(mineName, mine, "solution/"+name, solved[name])
		switch {
		case mine == nil && solved[name] == nil:
			con.say("Your copy has no %s, as in the solution.\n", name)
		case whole == nil:
			con.say("Your %s is the solution's, line for line.\n", mineName)
		case ontoErr != nil && c.hasSolution(e, name, mine):
			con.say("Your %s already has every change the solution makes.\n", mineName)
		case ontoErr == nil:
			con.say("What the solution would change in your %s:\n\n%s\n", mineName, diff.Diff(mineName, mine, mineName, onto[name]))
		default:
			con.say("You changed the lines the solution changes, so here is all that differs from your %s to the solution's:\n\n%s\n", mineName, whole)
		}
	}
	return nil
}

// confirm warns before spoiling the exercise and asks to go on. Reading a
// solution too early costs the exercise; reading it after an honest try is
// one of the best ways to learn.
func confirm(con *console, e *Exercise) bool {
	con.say("This shows the %s of %s %s.\n", answerWord(e), e.ID, e.Title)
	con.say("Seen too early, it takes the exercise away from you: try first, and use the hints (go run ./lab exercises hint %s).\n", e.ID)
	con.say("Show it? Type y and Enter: ")
	line, _ := bufio.NewReader(con.in).ReadString('\n')
	con.say("\n")
	return strings.TrimSpace(strings.ToLower(line)) == "y"
}

// apply writes the solution into the learner's copy, on top of what is
// there, so that other exercises' work in the same files stays. A file it
// changes or deletes is kept as FILE.mine, unless it was as shipped.
func (c *course) apply(con *console, e *Exercise) error {
	if err := c.ensureWorkspace(e.Step, con.say); err != nil {
		return err
	}
	onto, err := c.solvedOnto(e)
	if err != nil {
		return fmt.Errorf("the solution does not fit your copy (%v): put its files back with `go run ./lab exercises reset %s`, then apply it again", err, e.ID)
	}
	for _, name := range slices.Sorted(maps.Keys(onto)) {
		dst := filepath.Join(c.root, workspace(e.Step), name)
		mine, err := os.ReadFile(dst)
		if err != nil {
			return err
		}
		if onto[name] != nil && bytes.Equal(mine, onto[name]) {
			continue
		}
		if c.changed(e.Step, []string{name}) {
			if err := os.WriteFile(dst+".mine", mine, 0o644); err != nil {
				return err
			}
			con.say("kept your %s as %s.mine\n", filepath.Join(workspace(e.Step), name), name)
		}
		if onto[name] == nil {
			err = os.Remove(dst)
		} else {
			err = os.WriteFile(dst, onto[name], 0o644)
		}
		if err != nil {
			return err
		}
		con.say("applied the solution to %s\n", filepath.Join(workspace(e.Step), name))
	}
	return nil
}
