package main

import (
	"os"
	"path/filepath"
	"testing"

	labcli "bytestream/lab/cli"
	"bytestream/lab/labtest"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the scripts run this step as the command `02-readfull`, spelled
// like the folder so that a script line reads like the chapter's
// `go run ./steps/02-readfull ...`, and the lab proxy as `lab`, as in `go run ./lab`.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"02-readfull": main,
		"lab":         func() { os.Exit(labcli.Main(os.Args[1:])) },
	})
}

// TestScripts runs the literate scripts in testdata/steps/02-readfull: the
// commands chapter 02 shows, with their expected output.
func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:   filepath.Join("..", "..", "testdata", "steps", "02-readfull"),
		Cmds:  labtest.Cmds(),
		Setup: labtest.Setup,
	})
}
