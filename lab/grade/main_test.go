package grade_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"bytestream/final/cli"
	labcli "bytestream/lab/cli"
	"bytestream/lab/grade"
	"bytestream/lab/labtest"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the scripts run the lab as `lab`, as in `go run ./lab`,
// and the finished program as `final`, as in `go run ./final`.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"lab":   func() { os.Exit(labcli.Main(os.Args[1:])) },
		"final": func() { os.Exit(cli.Main(os.Args[1:])) },
	})
}

// moduleRoot is where go build runs, relative to this package.
const moduleRoot = "../.."

// programs builds each program once per test binary: a step or final,
// compiled as the learner would run it, without the race detector.
var programs struct {
	sync.Mutex
	dir   string
	built map[string]string
}

// program returns the path of the binary built from pkg (such as
// "./steps/03-framing"), building it on first use.
func program(t *testing.T, pkg string) string {
	t.Helper()
	programs.Lock()
	defer programs.Unlock()
	if path, ok := programs.built[pkg]; ok {
		return path
	}
	if programs.dir == "" {
		dir, err := os.MkdirTemp("", "grade-test-")
		if err != nil {
			t.Fatal(err)
		}
		programs.dir, programs.built = dir, map[string]string{}
	}
	path := filepath.Join(programs.dir, filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-o", path, pkg)
	cmd.Dir = moduleRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	programs.built[pkg] = path
	return path
}

// needPython skips a test where python3 is missing.
func needPython(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
}

// learner is the command of the Python learner's server, in a variant.
func learner(variant ...string) []string {
	return append([]string{"python3", filepath.Join(moduleRoot, "testdata", "grade", "learner.py"), "{port}"}, variant...)
}

// gradeRun grades with a fixed seed and a short timeout, so that a failing
// check costs seconds, and returns the report.
func gradeRun(t *testing.T, stage int, cfg grade.Config) *grade.Report {
	t.Helper()
	st, err := grade.StageByNumber(stage)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Stage, cfg.Seed, cfg.OutDir = st, 7, t.TempDir()
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return grade.Run(ctx, cfg)
}

// only selects one check by name.
func only(name string) *regexp.Regexp { return regexp.MustCompile("^" + name + "$") }

// result returns the named check's result in rep.
func result(t *testing.T, rep *grade.Report, name string) grade.Result {
	t.Helper()
	for _, r := range rep.Checks {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no check %q in the report: %+v", name, rep)
	return grade.Result{}
}

// TestScripts runs the literate scripts in testdata/grade: the sessions
// docs/grade.md shows, with their expected output.
func TestScripts(t *testing.T) {
	t.Parallel()
	needPython(t)
	dir := filepath.Join(moduleRoot, "testdata", "grade")
	learnerPy, err := filepath.Abs(filepath.Join(dir, "learner.py"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: dir,
		Setup: func(env *testscript.Env) error {
			env.Setenv("LEARNER", learnerPy)
			return labtest.Setup(env)
		},
	})
}
