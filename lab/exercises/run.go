package exercises

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"time"
)

// runNext runs the first code exercise that is not done, in its step's
// copy; with -watch it reruns on every save and moves on when it passes.
func runNext(c *course, con *console, o options) error {
	if len(o.args) > 0 {
		return usagef("next takes no arguments; to run one exercise: check ID")
	}
	return c.runOrWatch(con, o.watch, c.next)
}

// runCheck runs one exercise's test.
func runCheck(c *course, con *console, o options) error {
	if len(o.args) != 1 {
		return usagef("check takes one exercise id, as in: check 03.1")
	}
	e, err := c.find(o.args[0])
	if err != nil {
		return err
	}
	if !e.Code() {
		return usagef("%s is a question, with no test: write your answer down, then compare it with `go run ./lab exercises solution %s`", e.ID, e.ID)
	}
	return c.runOrWatch(con, o.watch, func() (*Exercise, error) { return e, nil })
}

// next is the first code exercise, in course order, whose test does not
// pass; nil when every one is done.
func (c *course) next() (*Exercise, error) {
	states, err := c.states()
	if err != nil {
		return nil, err
	}
	for _, e := range c.exercises {
		if e.Code() && states[e.ID] != done {
			return e, nil
		}
	}
	return nil, nil
}

// runOrWatch runs the exercise pick chooses. With watch, it then waits for
// a saved change in the step's copy and runs the same exercise again; once
// that passes, it asks pick again, which for next moves on to the next
// exercise. It stops when interrupted.
func (c *course) runOrWatch(con *console, watch bool, pick func() (*Exercise, error)) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	e, err := pick()
	for {
		if err != nil {
			return err
		}
		if e == nil {
			con.say("Every code exercise is done. The questions' answers: go run ./lab exercises solution ID\n")
			return nil
		}
		if err := c.ensureWorkspace(e.Step, con.say); err != nil {
			return err
		}
		// Look at the files before the test runs, so that a save while
		// it runs is not missed.
		dir := filepath.Join(c.root, workspace(e.Step))
		before := snapshot(dir)
		err = c.runOne(con, e)
		if !watch {
			return err
		}
		if err == nil {
			var next *Exercise
			if next, err = pick(); err != nil || next != e {
				e = next
				continue // a new exercise: run it at once
			}
		}
		con.say("watching %s for changes (Ctrl-C to stop)\n", workspace(e.Step))
		if !waitForSave(ctx, dir, before) {
			return nil
		}
		err = nil
	}
}

// runOne runs e's test in the learner's copy of its step, with the test's
// own output, and says what to do next.
func (c *course) runOne(con *console, e *Exercise) error {
	con.say("=== %s %s (%s, about %d min), in %s\n", e.ID, e.Title, e.Stars(), e.Minutes, workspace(e.Step))
	cmd := exec.Command("go", "test", "-tags", "exercise", "-run", "^"+e.Test+"$", "./"+filepath.ToSlash(workspace(e.Step)))
	cmd.Dir = c.root
	cmd.Stdout, cmd.Stderr = con.out, con.out
	if err := cmd.Run(); err != nil {
		if _, failed := err.(*exec.ExitError); !failed {
			return err
		}
		shown := c.hintsShown(e)
		con.say("--- %s is not done yet: the test's message above says what is missing.\n", e.ID)
		if shown < len(e.Hints) {
			con.say("Stuck? go run ./lab exercises hint %s  (hint %d of %d)\n", e.ID, shown+1, len(e.Hints))
		} else {
			con.say("Seen all %d hints? go run ./lab exercises solution %s\n", len(e.Hints), e.ID)
		}
		return testFailed{e.ID}
	}
	con.say("--- %s is done. Compare with the solution: go run ./lab exercises solution %s\n", e.ID, e.ID)
	if len(e.Breaks) > 0 {
		con.say("As expected, your copy's own %s now fail: they assert the behaviour the exercise changes.\n", strings.Join(e.Breaks, ", "))
	}
	return nil
}

// pollInterval is how often -watch looks at the files' times: fast enough
// to feel immediate after a save, slow enough to cost nothing.
const pollInterval = 300 * time.Millisecond

// waitForSave polls dir until its files differ from the snapshot before
// (a file's time or size changed, or a file came or went), and reports
// false if ctx ends first.
func waitForSave(ctx context.Context, dir, before string) bool {
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
			if now := snapshot(dir); now != before {
				return true
			}
		}
	}
}

// snapshot sums up the names, times and sizes of dir's files in a string.
func snapshot(dir string) string {
	entries, _ := os.ReadDir(dir)
	var s string
	for _, e := range entries {
		if info, err := e.Info(); err == nil {
			s += fmt.Sprintf("%s %d %d\n", e.Name(), info.ModTime().UnixNano(), info.Size())
		}
	}
	return s
}
