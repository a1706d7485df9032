// Package docs holds the course chapters. Its only Go code is this test,
// which keeps the chapters' "what changed since the previous step" diffs
// in step with the step folders.
package docs

import (
	"bytes"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/diff"
)

var update = flag.Bool("update", false, "rewrite docs/diffs from the step folders instead of checking them")

// stepsDir is where the step folders live, seen from this package.
const stepsDir = "../steps"

// diffsDir is where the generated diffs are committed.
const diffsDir = "diffs"

// stepName matches a step folder, "03-framing", and captures its number.
var stepName = regexp.MustCompile(`^(\d\d)-[a-z0-9-]+$`)

// TestDiffs checks that every diff in docs/diffs matches the step folders.
// Course authors who change a step on purpose run
// `go test ./docs -run TestDiffs -update` (`make diffs`) to rewrite them.
//
// Its failure messages never say so: the one who meets them is usually a
// learner who edited a step folder instead of their copy of it, and for
// them rewriting the course's diffs would hide their edits from the check
// and change the chapters. The messages tell them where exercises belong
// and how to put the folder back (see courseNote).
//
// The rule, for whoever adds a step:
//
//   - Steps are the folders under steps/ named NN-name (two digits, a dash,
//     a lowercase name). They are taken in order of name, and each one is
//     compared with the one before it: 01-naive with 02-readfull gives
//     docs/diffs/01-02.diff, and so on. A new folder gets its diff with no
//     change here.
//   - Only the step's program is compared: its .go files that are not
//     _test.go files. Tests, testdata and other files are left out.
//   - Files are paired by name: steps/01-naive/main.go with
//     steps/02-readfull/main.go. A file only in the newer step shows as
//     added (from /dev/null), one only in the older step as removed. Pairs
//     come in order of file name. Every step splits its program into
//     files by role with the same names (main.go, server.go, client.go,
//     frame.go, ...), so that a file carried unchanged drops out of the
//     diff; keep a file's name from one step to the next so that its
//     changes show as changes, not as a removal and an addition.
//   - The diff is the unified diff of github.com/rogpeppe/go-internal/diff,
//     which anchors on unique lines, so moved blocks read clearly.
//
// A diff file with no pair of steps behind it is stale too: the test fails
// on it, and -update removes it.
func TestDiffs(t *testing.T) {
	t.Parallel()
	steps, err := stepFolders()
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) < 2 {
		t.Fatalf("found %d step folders in %s; want at least 2 to compare", len(steps), stepsDir)
	}

	want := make(map[string][]byte)
	for i := 1; i < len(steps); i++ {
		old, new := steps[i-1], steps[i]
		text, err := stepDiff(old, new)
		if err != nil {
			t.Fatal(err)
		}
		name := stepName.FindStringSubmatch(old)[1] + "-" + stepName.FindStringSubmatch(new)[1] + ".diff"
		want[name] = text
	}

	if *update {
		if err := writeDiffs(want); err != nil {
			t.Fatal(err)
		}
		return
	}
	if stale := staleDiffs(want); len(stale) > 0 {
		changed := changedSteps(steps, stale)
		t.Errorf("changed since the course was shipped: steps/%s (stale: %s).\n%s",
			strings.Join(changed, ", steps/"), strings.Join(stale, ", "), courseNote(changed...))
	}
	committed, err := filepath.Glob(filepath.Join(diffsDir, "*.diff"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range committed {
		if _, ok := want[filepath.Base(path)]; !ok {
			t.Errorf("%s compares no two consecutive steps: a step folder was added, removed or renamed.\n%s", path, courseNote())
		}
	}
}

// staleDiffs lists the diffs in docs/diffs, by path, that are missing or
// differ from want, in order.
func staleDiffs(want map[string][]byte) []string {
	var stale []string
	for _, name := range slices.Sorted(maps.Keys(want)) {
		got, err := os.ReadFile(filepath.Join(diffsDir, name))
		if err != nil || !bytes.Equal(got, want[name]) {
			stale = append(stale, "docs/diffs/"+name)
		}
	}
	return stale
}

// changedSteps names the step folders that changed since the diffs were
// made. A step between two others is in two diffs, and when it changes both
// go stale. A stale diff that no such step explains is put down to its
// step at the end of the course, whose only diff it is, or, when it lies
// between two steps that both kept a matching diff, to both of them.
func changedSteps(steps, stale []string) []string {
	isStale := func(i int) bool { // whether the diff from steps[i-1] to steps[i] is stale
		name := stepName.FindStringSubmatch(steps[i-1])[1] + "-" + stepName.FindStringSubmatch(steps[i])[1] + ".diff"
		return slices.Contains(stale, "docs/diffs/"+name)
	}
	changed := make([]bool, len(steps))
	for i := 1; i < len(steps)-1; i++ {
		changed[i] = isStale(i) && isStale(i+1)
	}
	for i := 1; i < len(steps); i++ {
		if !isStale(i) || changed[i-1] || changed[i] {
			continue // not stale, or explained
		}
		first, last := i-1 == 0, i == len(steps)-1
		changed[i-1] = first || !last
		changed[i] = last || !first
	}
	var names []string
	for i, step := range steps {
		if changed[i] {
			names = append(names, step)
		}
	}
	return names
}

// courseNote tells a learner who edited the course's step folders where
// exercises belong, and how to put the folders back.
func courseNote(steps ...string) string {
	restore := "git checkout -- steps/"
	if len(steps) > 0 {
		restore = "git checkout -- steps/" + strings.Join(steps, " steps/")
	}
	return "If you changed a step folder while doing an exercise: the step folders are the course as shipped, " +
		"and exercises are done in your own copy of each step, steps/_my-NN-name, which `go run ./lab exercises` makes " +
		"(docs/README.md, \"Exercises: the workflow\"). Copy your work there, then put the folders back: " + restore +
		". Course authors: see the comment on TestDiffs."
}

// stepFolders lists the step folders in order.
func stepFolders() ([]string, error) {
	entries, err := os.ReadDir(stepsDir)
	if err != nil {
		return nil, err
	}
	var steps []string
	for _, e := range entries {
		if e.IsDir() && stepName.MatchString(e.Name()) {
			steps = append(steps, e.Name())
		}
	}
	return steps, nil // os.ReadDir sorts by name
}

// stepDiff is the diff from step old to step new, file by file.
func stepDiff(old, new string) ([]byte, error) {
	oldFiles, err := programFiles(old)
	if err != nil {
		return nil, err
	}
	newFiles, err := programFiles(new)
	if err != nil {
		return nil, err
	}
	both := maps.Clone(oldFiles)
	maps.Copy(both, newFiles)
	var out bytes.Buffer
	for _, name := range slices.Sorted(maps.Keys(both)) {
		oldName, newName := "steps/"+old+"/"+name, "steps/"+new+"/"+name
		if _, ok := oldFiles[name]; !ok {
			oldName = "/dev/null"
		}
		if _, ok := newFiles[name]; !ok {
			newName = "/dev/null"
		}
		out.Write(diff.Diff(oldName, oldFiles[name], newName, newFiles[name]))
	}
	return out.Bytes(), nil
}

// programFiles reads a step's non-test .go files, by file name.
func programFiles(step string) (map[string][]byte, error) {
	paths, err := filepath.Glob(filepath.Join(stepsDir, step, "*.go"))
	if err != nil {
		return nil, err
	}
	files := make(map[string][]byte)
	for _, path := range paths {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		files[filepath.Base(path)] = data
	}
	return files, nil
}

// writeDiffs makes docs/diffs hold exactly the diffs in want.
func writeDiffs(want map[string][]byte) error {
	if err := os.MkdirAll(diffsDir, 0o755); err != nil {
		return err
	}
	committed, err := filepath.Glob(filepath.Join(diffsDir, "*.diff"))
	if err != nil {
		return err
	}
	for _, path := range committed {
		if _, ok := want[filepath.Base(path)]; !ok {
			if err := os.Remove(path); err != nil {
				return err
			}
		}
	}
	for name, text := range want {
		if err := os.WriteFile(filepath.Join(diffsDir, name), text, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func TestChangedStepsNamesTheStepWhoseDiffsAllWentStale(t *testing.T) {
	t.Parallel()
	steps := []string{"01-a", "02-b", "03-c"}
	for _, tc := range []struct {
		stale []string
		want  string
	}{
		{[]string{"docs/diffs/01-02.diff"}, "01-a"},
		{[]string{"docs/diffs/01-02.diff", "docs/diffs/02-03.diff"}, "02-b"},
		{[]string{"docs/diffs/02-03.diff"}, "03-c"},
	} {
		if got := strings.Join(changedSteps(steps, tc.stale), " "); got != tc.want {
			t.Errorf("stale %v: changedSteps = %q, want %q", tc.stale, got, tc.want)
		}
	}
	// In a longer course, a diff between two middle steps that are each
	// in a matching diff too points at both.
	steps = []string{"01-a", "02-b", "03-c", "04-d"}
	for _, tc := range []struct {
		stale []string
		want  string
	}{
		{[]string{"docs/diffs/02-03.diff"}, "02-b 03-c"},
		{[]string{"docs/diffs/02-03.diff", "docs/diffs/03-04.diff"}, "03-c"},
	} {
		if got := strings.Join(changedSteps(steps, tc.stale), " "); got != tc.want {
			t.Errorf("stale %v: changedSteps = %q, want %q", tc.stale, got, tc.want)
		}
	}
}
