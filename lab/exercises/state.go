package exercises

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
)

// A state is how far the learner has come with one exercise.
type state string

const (
	notStarted state = "not started" // no copy of the step yet, or its files are as shipped
	failing    state = "failing"     // started, and its test does not pass yet
	done       state = "done"        // its test passes
	question   state = "question"    // answered in writing: see its answer
)

// states runs the exercise test of every code exercise that has a
// workspace, all in one `go test`, and returns each exercise's state.
func (c *course) states() (map[string]state, error) {
	out := make(map[string]state)
	var pkgs, tests []string
	for _, e := range c.exercises {
		switch {
		case !e.Code():
			out[e.ID] = question
		case !c.hasWorkspace(e.Step):
			out[e.ID] = notStarted
		default:
			tests = append(tests, e.Test)
			if pkg := "./" + filepath.ToSlash(workspace(e.Step)); len(pkgs) == 0 || pkgs[len(pkgs)-1] != pkg {
				pkgs = append(pkgs, pkg)
			}
		}
	}
	if len(pkgs) == 0 {
		return out, nil
	}
	passed, err := c.runTests(pkgs, tests)
	if err != nil {
		return nil, err
	}
	for _, e := range c.exercises {
		if _, ok := out[e.ID]; ok {
			continue
		}
		switch {
		case passed[e.Test]:
			out[e.ID] = done
		case c.changed(e.Step, e.Files):
			out[e.ID] = failing
		default:
			out[e.ID] = notStarted
		}
	}
	return out, nil
}

// runTests runs tests in pkgs with `go test -json` and reports which
// passed. A package that does not compile passes none: its exercises show
// as failing, and `next` shows the compiler's message.
func (c *course) runTests(pkgs, tests []string) (map[string]bool, error) {
	args := append([]string{"test", "-json", "-tags", "exercise", "-run", "^(" + strings.Join(tests, "|") + ")$"}, pkgs...)
	cmd := exec.Command("go", args...)
	cmd.Dir = c.root
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		if _, failed := err.(*exec.ExitError); !failed {
			return nil, err // go itself did not run
		}
	}
	passed := make(map[string]bool)
	lines := bufio.NewScanner(&stdout)
	lines.Buffer(nil, 1<<20) // a test's output line can be long
	for lines.Scan() {
		var ev struct{ Action, Test string }
		if json.Unmarshal(lines.Bytes(), &ev) == nil && ev.Action == "pass" && ev.Test != "" {
			passed[ev.Test] = true
		}
	}
	return passed, lines.Err()
}
