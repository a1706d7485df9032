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

// TestMain lets the scripts run this step as the command `04-messages`, spelled
// like the folder so that a script line reads like the chapter's
// `go run ./steps/04-messages ...`, the lab proxy as `lab`, as in `go run ./lab`,
// and the finished program as `final`, as in `go run ./final`.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"04-messages": main,
		"lab":         func() { os.Exit(labcli.Main(os.Args[1:])) },
		"final":       func() { os.Exit(cli.Main(os.Args[1:])) },
	})
}

// TestScripts runs the literate scripts in testdata/steps/04-messages: the
// commands chapter 04 shows, with their expected output.
func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:   filepath.Join("..", "..", "testdata", "steps", "04-messages"),
		Cmds:  labtest.Cmds(),
		Setup: labtest.Setup,
	})
}
