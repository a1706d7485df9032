package main

import (
	"os"
	"path/filepath"
	"testing"

	labcli "bytestream/lab/cli"
	"bytestream/lab/labtest"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the scripts run this step as the command `03-framing`, spelled
// like the folder so that a script line reads like the chapter's
// `go run ./steps/03-framing ...`, and the lab proxy as `lab`, as in `go run ./lab`.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"03-framing": main,
		"lab":        func() { os.Exit(labcli.Main(os.Args[1:])) },
	})
}

// TestScripts runs the literate scripts in testdata/steps/03-framing: the
// commands chapter 03 shows, with their expected output.
func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:   filepath.Join("..", "..", "testdata", "steps", "03-framing"),
		Cmds:  labtest.Cmds(),
		Setup: labtest.Setup,
	})
}
