//go:build exercise

package main

import (
	"errors"
	"io"
	"testing"
)

// TestExerciseWriteFrameRefusesWhatTheServerWouldRefuse is the test behind
// chapter 03's first exercise: a client that sends a message above
// maxMessageSize only learns that the server hung up. Make writeFrame
// refuse such a message itself, with errTooLarge, before it writes
// anything. It fails until the exercise is done. Run it with
//
//	go test -tags exercise -run Exercise ./steps/03-framing
func TestExerciseWriteFrameRefusesWhatTheServerWouldRefuse(t *testing.T) {
	t.Parallel()
	var w countingWriter
	err := writeFrame(&w, make([]byte, maxMessageSize+1))
	if !errors.Is(err, errTooLarge) {
		t.Errorf("writeFrame of %d bytes: err = %v, want errTooLarge", maxMessageSize+1, err)
	}
	if w.writes != 0 {
		t.Errorf("writeFrame wrote %d bytes of a frame it should have refused", w.buf.Len())
	}
	if err := writeFrame(io.Discard, make([]byte, maxMessageSize)); err != nil {
		t.Errorf("writeFrame of exactly maxMessageSize bytes: %v, want nil", err)
	}
}
