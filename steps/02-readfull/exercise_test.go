//go:build exercise

package main

import (
	"bytes"
	"io"
	"runtime"
	"testing"
)

// TestExerciseZeroBytesSurvive is the test behind chapter 02's exercise 1:
// the server trims the zero bytes that pad a record, and with them any zero
// bytes the message itself ended with. Make messages come out exactly as
// they went in. It fails until the exercise is done. Do the exercise in
// your copy of the step, and run the test with
//
//	go run ./lab exercises check 02.1
func TestExerciseZeroBytesSurvive(t *testing.T) {
	t.Parallel()
	addr, out := startServer(t, split3)
	sendOver(t, addr, "a\x00", "\x00\x00", "hello")
	want := "received \"a\\x00\"\nreceived \"\\x00\\x00\"\nreceived \"hello\"\n"
	if got := out.String(); got != want {
		t.Errorf("server printed\n%s\nwant\n%s\n"+
			"Next: padding and the message's own zero bytes look alike; let each record say how long its message is.",
			got, want)
	}
}

// TestExerciseReadRecordsUsesIOReadFull is the test behind chapter 02's
// exercise 2: make readRecords call io.ReadFull, and delete readExactly and
// its test. Nothing else may change, and the step's other tests prove that;
// this one checks who calls Read, by looking up the call stack from inside
// Read.
//
//	go run ./lab exercises check 02.2
func TestExerciseReadRecordsUsesIOReadFull(t *testing.T) {
	t.Parallel()
	spy := &callerSpy{r: bytes.NewReader(record("hello")), callers: make(map[string]bool)}
	if err := readRecords(spy, func([]byte) {}); err != nil {
		t.Fatal(err)
	}
	if spy.callers["main.readExactly"] || !spy.callers["io.ReadFull"] {
		t.Errorf("readRecords reads its records through readExactly, not io.ReadFull.\n" +
			"Next: replace the call with io.ReadFull (the signatures match), then delete readExactly and readexactly_test.go.")
	}
}

// callerSpy is a reader that notes the name of every function on the call
// stack of each Read.
type callerSpy struct {
	r       io.Reader
	callers map[string]bool
}

func (s *callerSpy) Read(p []byte) (int, error) {
	pcs := make([]uintptr, 16)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	for {
		f, more := frames.Next()
		s.callers[f.Function] = true
		if !more {
			return s.r.Read(p)
		}
	}
}
