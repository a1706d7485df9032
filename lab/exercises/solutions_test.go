package exercises

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// repoRoot is the repository, seen from this package's folder.
const repoRoot = "../.."

// goRuns bounds how many `go test` commands these tests run at once: each
// compiles a step, and the machine has two cores shared with others.
var goRuns = make(chan struct{}, 2)

// goTest runs `go test -json args...` in the repository and returns, per
// test name, the last action reported for it ("pass", "fail", "skip"), and
// the output of the tests that failed.
func goTest(t *testing.T, args ...string) (map[string]string, string) {
	t.Helper()
	goRuns <- struct{}{}
	defer func() { <-goRuns }()
	cmd := exec.Command("go", append([]string{"test", "-json", "-count=1"}, args...)...)
	cmd.Dir = repoRoot
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("go test %s: %v", strings.Join(args, " "), err)
		}
	}
	actions := make(map[string]string)
	var output strings.Builder
	lines := bufio.NewScanner(&stdout)
	lines.Buffer(nil, 1<<20)
	for lines.Scan() {
		var ev struct{ Action, Test, Output string }
		if json.Unmarshal(lines.Bytes(), &ev) != nil {
			continue
		}
		switch ev.Action {
		case "output":
			output.WriteString(ev.Output)
		case "pass", "fail", "skip":
			if ev.Test != "" {
				actions[ev.Test] = ev.Action
			}
		}
	}
	if len(actions) == 0 {
		t.Fatalf("go test %s ran no test:\n%s%s", strings.Join(args, " "), stderr.String(), output.String())
	}
	return actions, output.String()
}

func loadCourse(t *testing.T) []*Exercise {
	t.Helper()
	list, err := Course()
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// TestEveryExerciseTestFailsOnTheReference runs every exercise test
// against the steps as shipped: each must fail (the exercise is not done),
// and say what to do next.
func TestEveryExerciseTestFailsOnTheReference(t *testing.T) {
	t.Parallel()
	var names []string
	for _, e := range loadCourse(t) {
		if e.Code() {
			names = append(names, e.Test)
		}
	}
	actions, output := goTest(t, "-tags", "exercise", "-run", "^("+strings.Join(names, "|")+")$", "./steps/...")
	for _, name := range names {
		if actions[name] != "fail" {
			t.Errorf("%s: %q on the reference step, want fail", name, actions[name])
		}
	}
	if got, want := strings.Count(output, "Next: "), len(names); got < want {
		t.Errorf("the failing exercise tests said %d times what to do next (\"Next: \"), want at least %d:\n%s", got, want, output)
	}
}

// TestEverySolutionPassesItsTest applies each code exercise's solution to
// its step through `go test -overlay`, which leaves the tree untouched. The
// exercise's test must pass, and so must the step's other tests, except
// those the solution names in breaks: they assert the behaviour the
// exercise changes, and must fail.
func TestEverySolutionPassesItsTest(t *testing.T) {
	t.Parallel()
	list := loadCourse(t)
	c := &course{root: repoRoot, exercises: list}
	for _, e := range list {
		if !e.Code() {
			continue
		}
		t.Run(e.ID, func(t *testing.T) {
			t.Parallel()
			overlay := writeOverlay(t, c, e)
			// The step's other exercises are not done: their tests
			// would fail, and are no part of this solution.
			var skip []string
			for _, other := range list {
				if other.Step == e.Step && other.Code() && other != e {
					skip = append(skip, other.Test)
				}
			}
			skip = append(skip, e.Breaks...)
			pkg := "./" + filepath.ToSlash(reference(e.Step))
			args := []string{"-overlay", overlay, "-tags", "exercise"}
			actions, output := goTest(t, append(args, "-skip", "^("+strings.Join(skip, "|")+")$", pkg)...)
			if actions[e.Test] != "pass" {
				t.Errorf("with the solution, %s: %q, want pass", e.Test, actions[e.Test])
			}
			for name, action := range actions {
				if action == "fail" {
					t.Errorf("with the solution, %s fails; fix the solution, or name the test in its breaks setting", name)
				}
			}
			if t.Failed() {
				t.Log(output)
			}
			if len(e.Breaks) == 0 {
				return
			}
			actions, _ = goTest(t, append(args, "-run", "^("+strings.Join(e.Breaks, "|")+")$", pkg)...)
			for _, name := range e.Breaks {
				if actions[name] != "fail" {
					t.Errorf("the solution says it breaks %s, but it %s", name, actions[name])
				}
			}
		})
	}
}

// writeOverlay writes the solution's files and the overlay file that maps
// the step's files to them, and returns the overlay's path.
func writeOverlay(t *testing.T, c *course, e *Exercise) string {
	t.Helper()
	solved, err := c.solved(e)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	replace := make(map[string]string)
	for name, text := range solved {
		ref, err := filepath.Abs(filepath.Join(repoRoot, reference(e.Step), name))
		if err != nil {
			t.Fatal(err)
		}
		if text == nil {
			replace[ref] = "" // the solution deletes the file
			continue
		}
		if formatted, err := format.Source(text); err != nil || !bytes.Equal(formatted, text) {
			t.Errorf("the solution's %s is not gofmt-clean (%v): a learner compares theirs with it", name, err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, text, 0o644); err != nil {
			t.Fatal(err)
		}
		replace[ref] = path
	}
	data, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestTheCourseHangsTogether checks the exercises' archives against the
// steps and the chapters: every exercise test exists and belongs to one
// exercise, numbers run from 1, and each chapter's "## Exercises" section
// gives every exercise's number, title, difficulty and time as the
// archives do.
func TestTheCourseHangsTogether(t *testing.T) {
	t.Parallel()
	course := loadCourse(t)
	declared := regexp.MustCompile(`(?m)^func (TestExercise\w+)\(`)
	owner := make(map[string]string)
	for _, e := range course {
		if e.Code() {
			if prev, ok := owner[e.Test]; ok {
				t.Errorf("%s and %s share the test %s", prev, e.ID, e.Test)
			}
			owner[e.Test] = e.ID
		}
	}
	steps := make(map[string][]*Exercise)
	for _, e := range course {
		steps[e.Step] = append(steps[e.Step], e)
	}
	for step, list := range steps {
		for i, e := range list {
			if want := fmt.Sprintf("%s.%d", step[:2], i+1); e.ID != want {
				t.Errorf("exercise %s comes where %s should", e.ID, want)
			}
		}
		src, err := os.ReadFile(filepath.Join(repoRoot, reference(step), "exercise_test.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range declared.FindAllStringSubmatch(string(src), -1) {
			if id, ok := owner[m[1]]; !ok || !strings.HasPrefix(id, step[:2]+".") {
				t.Errorf("steps/%s/exercise_test.go: %s belongs to no exercise of the step", step, m[1])
			}
			delete(owner, m[1])
		}
		checkChapter(t, step, list)
	}
	for test, id := range owner {
		t.Errorf("exercise %s: its test %s is not in its step's exercise_test.go", id, test)
	}
}

// checkChapter looks for each exercise's heading and facts line in its
// chapter's "## Exercises" section.
func checkChapter(t *testing.T, step string, list []*Exercise) {
	t.Helper()
	path := filepath.Join(repoRoot, "docs", step+".md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "\n## Exercises\n")
	if !ok {
		t.Fatalf("%s has no \"## Exercises\" section", path)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	for _, e := range list {
		for _, want := range []string{"### " + e.ID + " " + e.Title + "\n", factsLine(e)} {
			if !strings.Contains(section, want) {
				t.Errorf("%s, ## Exercises: no line %q", path, strings.TrimSpace(want))
			}
		}
	}
}

// factsLine is the line under an exercise's heading in its chapter.
func factsLine(e *Exercise) string {
	kind := "question, answered in writing"
	if e.Code() {
		kind = "code, checked by `" + e.Test + "`"
	}
	return fmt.Sprintf("%s · about %d min · %s", e.Stars(), e.Minutes, kind)
}
