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

// TestMain lets the scripts run this step as the command `05-bench`, spelled
// like the folder so that a script line reads like the chapter's
// `go run ./steps/05-bench ...`, the lab proxy as `lab`, as in `go run ./lab`,
// and the finished program as `final`, as in `go run ./final`.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"05-bench": main,
		"lab":      func() { os.Exit(labcli.Main(os.Args[1:])) },
		"final":    func() { os.Exit(cli.Main(os.Args[1:])) },
	})
}

// TestScripts runs the literate scripts in testdata/steps/05-bench: the
// commands chapter 05 shows, with their expected output.
func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:   filepath.Join("..", "..", "testdata", "steps", "05-bench"),
		Cmds:  labtest.Cmds(),
		Setup: labtest.Setup,
	})
}
