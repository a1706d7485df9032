package exercises

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
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
		case c.started(e):
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

// started reports whether the learner has begun on e: changed a file that
// only e is about, or, in a file that other exercises of the step change
// too, the lines e's solution changes (its hunks no longer find them).
// So starting 04.1 in client.go does not mark 04.2 as started.
func (c *course) started(e *Exercise) bool {
	patches, err := parsePatch(e.Patch)
	if err != nil {
		return c.changed(e.Step, e.Files)
	}
	for _, p := range patches {
		name := path.Base(p.Path)
		if !c.changed(e.Step, []string{name}) {
			continue
		}
		if !c.shared(e, name) {
			return true
		}
		mine, err := os.ReadFile(filepath.Join(c.root, workspace(e.Step), name))
		if err != nil {
			return true
		}
		if _, err := p.applyLoosely(mine); err != nil {
			return true
		}
	}
	return false
}

// shared reports whether another code exercise of e's step changes file.
func (c *course) shared(e *Exercise, file string) bool {
	for _, other := range c.exercises {
		if other != e && other.Step == e.Step && other.Code() && slices.Contains(other.Files, file) {
			return true
		}
	}
	return false
}
