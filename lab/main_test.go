package main

import (
	"os"
	"path/filepath"
	"testing"

	"bytestream/final/cli"
	labcli "bytestream/lab/cli"
	"bytestream/lab/labtest"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the scripts run the lab as the command `lab`, as in
// `go run ./lab`, and the finished program as `final`, as in `go run ./final`.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"lab":   func() { os.Exit(labcli.Main(os.Args[1:])) },
		"final": func() { os.Exit(cli.Main(os.Args[1:])) },
	})
}

// TestScripts runs the literate scripts in testdata/lab: the sessions
// docs/lab.md walks through, with their expected output.
func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:   filepath.Join("..", "testdata", "lab"),
		Cmds:  labtest.Cmds(),
		Setup: labtest.Setup,
	})
}
