package exercises

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// runReset puts the learner's copy of a step (03 or 03-framing), or the
// files of one exercise (03.1), back as the course ships them. Every file
// it replaces is kept as FILE.mine.
func runReset(c *course, con *console, o options) error {
	if len(o.args) != 1 {
		return usagef("reset takes a step (03) or an exercise (03.1)")
	}
	arg := o.args[0]
	if strings.Contains(arg, ".") {
		e, err := c.find(arg)
		if err != nil {
			return err
		}
		if len(e.Files) == 0 {
			return usagef("%s names no files of its own; reset the whole step: reset %s", e.ID, e.Step[:2])
		}
		return c.reset(con, e.Step, e.Files, strings.Join(e.Files, ", "))
	}
	step, err := c.findStep(arg)
	if err != nil {
		return err
	}
	files, err := c.referenceFiles(step)
	if err != nil {
		return err
	}
	if err := c.moveExtraFiles(con, step, files); err != nil {
		return err
	}
	return c.reset(con, step, files, "every file")
}

// findStep turns "03" or "03-framing" into the step folder's name.
func (c *course) findStep(arg string) (string, error) {
	for _, e := range c.exercises {
		if arg == e.Step || arg == e.Step[:2] {
			return e.Step, nil
		}
	}
	return "", usagef("no step %q: give its number, as in 03, or an exercise, as in 03.1", arg)
}

// reset restores files in step's copy and says what it did; which names
// them in the last line.
func (c *course) reset(con *console, step string, files []string, which string) error {
	if !c.hasWorkspace(step) {
		return c.ensureWorkspace(step, con.say)
	}
	for _, name := range files {
		kept, err := c.restore(step, name)
		if err != nil {
			return err
		}
		if kept != "" {
			rel, _ := filepath.Rel(c.root, kept)
			con.say("reset %s (your version is in %s)\n", filepath.Join(workspace(step), name), rel)
		}
	}
	con.say("%s: %s as shipped\n", workspace(step), which)
	return nil
}

// moveExtraFiles renames the Go files the learner added to a step's copy to
// NAME.mine, so that the reset package compiles as shipped.
func (c *course) moveExtraFiles(con *console, step string, keep []string) error {
	dir := filepath.Join(c.root, workspace(step))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil // no copy yet: reset makes one
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".go") && !slices.Contains(keep, e.Name()) {
			if err := os.Rename(filepath.Join(dir, e.Name()), filepath.Join(dir, e.Name()+".mine")); err != nil {
				return err
			}
			con.say("moved %s aside, to %s.mine\n", filepath.Join(workspace(step), e.Name()), e.Name())
		}
	}
	return nil
}
