//go:build exercise

package main

import (
	"testing"

	"bytestream/lab/shape"
)

// TestExerciseNewlinesKeepMessagesApart is the test behind chapter 01's
// first exercise: end every message with a newline in the client, and make
// the server cut what it reads at newlines. It fails until the exercise is
// done. Run it with
//
//	go test -tags exercise -run Exercise ./steps/01-naive
//
// Once it passes, the step's own tests, which assert the breakage, fail
// instead: they describe the naive server, and yours is not naive any more.
func TestExerciseNewlinesKeepMessagesApart(t *testing.T) {
	t.Parallel()
	want := "received \"hello\"\nreceived \"world\"\n"
	for name, opts := range map[string]shape.Options{
		"stream split into 3-byte reads": split3,
		"messages merged into one read":  merge64,
	} {
		addr, out := startServer(t, opts)
		sendOver(t, addr, "hello", "world")
		if got := out.String(); got != want {
			t.Errorf("%s: server printed\n%s\nwant\n%s", name, got, want)
		}
	}
}
