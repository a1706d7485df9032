package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bytestream/final/cli"
	"bytestream/lab/labcmd"
	"bytestream/lab/labtest"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the scripts run the lab as the command `lab`, as in
// `go run ./lab`, and the finished program as `final`, as in `go run ./final`.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"lab":   func() { os.Exit(labcmd.Main(os.Args[1:])) },
		"final": func() { os.Exit(cli.Main(os.Args[1:])) },
	})
}

// TestScripts runs the literate scripts in testdata/lab: the sessions
// docs/lab.md walks through, with their expected output.
func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:  filepath.Join("..", "testdata", "lab"),
		Cmds: labtest.Cmds(),
		Setup: func(env *testscript.Env) error {
			// A binary built with -race sleeps a second on exit, waiting
			// for late race reports; every command in a script is such an
			// exit. Reports still print, only the wait goes.
			env.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
			return nil
		},
	})
}
