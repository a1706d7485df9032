//go:build exercise

package main

import "testing"

// TestExerciseZeroBytesSurvive is the test behind chapter 02's first
// exercise: the server trims the zero bytes that pad a record, and with
// them any zero bytes the message itself ended with. Make messages come out
// exactly as they went in. It fails until the exercise is done. Run it with
//
//	go test -tags exercise -run Exercise ./steps/02-readfull
func TestExerciseZeroBytesSurvive(t *testing.T) {
	t.Parallel()
	addr, out := startServer(t, split3)
	sendOver(t, addr, "a\x00", "\x00\x00", "hello")
	want := "received \"a\\x00\"\nreceived \"\\x00\\x00\"\nreceived \"hello\"\n"
	if got := out.String(); got != want {
		t.Errorf("server printed\n%s\nwant\n%s", got, want)
	}
}
