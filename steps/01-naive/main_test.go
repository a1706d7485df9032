package main

import (
	"path/filepath"
	"testing"

	"bytestream/lab/labtest"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the scripts run this step as the command `01-naive`, spelled
// like the folder so that a script line reads like the chapter's
// `go run ./steps/01-naive ...`.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"01-naive": main,
	})
}

// TestScripts runs the literate scripts in testdata/steps/01-naive: the
// commands chapter 01 shows, with their expected output.
func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:  filepath.Join("..", "..", "testdata", "steps", "01-naive"),
		Cmds: labtest.Cmds(),
	})
}
