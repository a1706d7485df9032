package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"bytestream/final/cli"
	"bytestream/lab/labtest"
)

// TestMain lets the scripts run `final` as a real process: the test binary
// re-executes itself as the command.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"final": func() { os.Exit(cli.Main(os.Args[1:])) },
	})
}

// TestScripts runs the end-to-end lessons in testdata/final: a real server
// on a free port, real clients, real signals.
func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:   "../testdata/final",
		Cmds:  labtest.Cmds(),
		Setup: labtest.Setup,
	})
}
