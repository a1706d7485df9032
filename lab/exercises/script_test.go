package exercises_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	labcli "bytestream/lab/cli"
	"bytestream/lab/labtest"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the scripts run the lab as the command `lab`, as in
// `go run ./lab`. The scripts are in package exercises_test because lab/cli
// imports this package.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"lab": func() { os.Exit(labcli.Main(os.Args[1:])) },
	})
}

// TestScripts runs the scripts in testdata/lab/exercises: a learner's
// sessions with `lab exercises`, each in a course of its own.
func TestScripts(t *testing.T) {
	t.Parallel()
	goEnv := goEnvironment(t)
	testscript.Run(t, testscript.Params{
		Dir:  filepath.Join("..", "..", "testdata", "lab", "exercises"),
		Cmds: labtest.Cmds(),
		Setup: func(env *testscript.Env) error {
			if err := labtest.Setup(env); err != nil {
				return err
			}
			env.Vars = append(env.Vars, goEnv...)
			return makeCourse(env.WorkDir)
		},
	})
}

// goEnvironment is what `go test`, run by the scripts, needs from this
// machine's go: its caches, so that nothing is downloaded or rebuilt for
// nothing. testscript gives scripts a bare environment.
func goEnvironment(t *testing.T) []string {
	t.Helper()
	names := []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOFLAGS", "GOTOOLCHAIN"}
	out, err := exec.Command("go", append([]string{"env"}, names...)...).Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	values := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	vars := []string{"GOPROXY=off"}
	for i, name := range names {
		vars = append(vars, name+"="+values[i])
	}
	return vars
}

// makeCourse builds, in dir/course, a course that shares everything with
// this repository but its steps folder, so that the learner's copies the
// scripts make land in the script's own folder. The repository's files are
// links; the step folders are copies, so that no script can change the
// real ones.
func makeCourse(dir string) error {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return err
	}
	course := filepath.Join(dir, "course")
	if err := os.MkdirAll(filepath.Join(course, "steps"), 0o755); err != nil {
		return err
	}
	for _, name := range []string{"go.mod", "go.sum", "lab", "final", "docs", "testdata"} {
		if err := os.Symlink(filepath.Join(root, name), filepath.Join(course, name)); err != nil {
			return err
		}
	}
	steps, err := filepath.Glob(filepath.Join(root, "steps", "[0-9][0-9]-*"))
	if err != nil {
		return err
	}
	for _, step := range steps {
		if err := os.CopyFS(filepath.Join(course, "steps", filepath.Base(step)), os.DirFS(step)); err != nil {
			return err
		}
	}
	return nil
}
