//go:build exercise

package main

import (
	"strings"
	"testing"

	"bytestream/lab/shape"
)

// TestExerciseNewlinesKeepMessagesApart is the test behind chapter 01's
// exercise 1: end every message with a newline in the client, and make the
// server cut what it reads at newlines. It fails until the exercise is
// done. Do the exercise in your copy of the step, and run the test with
//
//	go run ./lab exercises check 01.1
//
// It also sends a message of 100 KiB, longer than the 64 KiB a
// bufio.Scanner accepts by default. Once it passes, the copy's own tests,
// which assert the breakage, fail instead: your server is not naive any
// more.
func TestExerciseNewlinesKeepMessagesApart(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 100<<10)
	want := "received \"hello\"\nreceived \"world\"\n"
	for name, opts := range map[string]shape.Options{
		"stream split into 3-byte reads": split3,
		"messages merged into one read":  merge64,
	} {
		addr, out := startServer(t, opts)
		sendOver(t, addr, "hello", "world")
		if got := out.String(); got != want {
			t.Errorf("%s: server printed\n%s\nwant\n%s\n"+
				"Next: end each message with \"\\n\" in send (client.go), and cut at newlines in readMessages (server.go).",
				name, got, want)
		}
	}
	if t.Failed() {
		return
	}

	// Now that short messages work, a long one: the limit of a Scanner.
	addr, out := startServer(t, shape.Options{})
	sendOver(t, addr, long)
	if got, want := out.String(), "received \""+long+"\"\n"; got != want {
		t.Errorf("a message of 100 KiB: server printed %d lines, %d bytes; want it as one line.\n"+
			"Next: a bufio.Scanner refuses lines over 64 KiB by default (\"token too long\"): "+
			"raise its limit with Buffer, or read with bufio.Reader's ReadBytes.",
			strings.Count(got, "\n"), len(got))
	}
}
