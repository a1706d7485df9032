//go:build exercise

package main

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// TestExerciseReadFramesReusesOneBuffer is the test behind chapter 03's
// exercise 1: readFrames allocates for every frame it reads. Make it reuse
// one buffer, so that reading a hundred frames costs a handful of
// allocations, not hundreds. It fails until the exercise is done. Do the
// exercise in your copy of the step, and run the test with
//
//	go run ./lab exercises check 03.1
func TestExerciseReadFramesReusesOneBuffer(t *testing.T) {
	// Not parallel: testing.AllocsPerRun counts every goroutine's allocations.
	const frames, size = 100, 1024
	var stream bytes.Buffer
	for i := range frames {
		if err := writeFrame(&stream, bytes.Repeat([]byte{byte(i)}, size)); err != nil {
			t.Fatal(err)
		}
	}

	// First, the messages must still be right, even one byte per Read.
	var got, wrong int
	deliver := func(msg []byte) {
		if len(msg) != size || msg[0] != byte(got) || msg[size-1] != byte(got) {
			wrong++
		}
		got++
	}
	if err := readFrames(iotest.OneByteReader(bytes.NewReader(stream.Bytes())), deliver); err != nil {
		t.Fatalf("readFrames: %v", err)
	}
	if got != frames || wrong != 0 {
		t.Fatalf("readFrames delivered %d messages, %d of them wrong; want %d, all right", got, wrong, frames)
	}

	// Then what it costs.
	r := bytes.NewReader(stream.Bytes())
	allocs := testing.AllocsPerRun(5, func() {
		r.Reset(stream.Bytes())
		got = 0
		if err := readFrames(r, deliver); err != nil {
			t.Fatalf("readFrames: %v", err)
		}
	})
	if allocs > 10 {
		t.Errorf("readFrames made %.0f allocations to read %d frames; want at most 10.\n"+
			"Next: keep one buffer across frames for the messages, and for the 4-byte header too: "+
			"an array passed to io.ReadFull escapes to the heap.", allocs, frames)
	}
}

// TestExerciseWriteFrameRefusesWhatTheServerWouldRefuse is the test behind
// chapter 03's exercise 2: a client that sends a message above
// maxMessageSize only learns that the server hung up. Make writeFrame
// refuse such a message itself, with errTooLarge, before it writes
// anything. It fails until the exercise is done:
//
//	go run ./lab exercises check 03.2
func TestExerciseWriteFrameRefusesWhatTheServerWouldRefuse(t *testing.T) {
	t.Parallel()
	var w countingWriter
	err := writeFrame(&w, make([]byte, maxMessageSize+1))
	if !errors.Is(err, errTooLarge) {
		t.Errorf("writeFrame of %d bytes: err = %v, want errTooLarge.\n"+
			"Next: refuse a message longer than maxMessageSize in writeFrame, before its Write.", maxMessageSize+1, err)
	}
	if w.writes != 0 {
		t.Errorf("writeFrame wrote %d bytes of a frame it should have refused", w.buf.Len())
	}
	if err := writeFrame(io.Discard, make([]byte, maxMessageSize)); err != nil {
		t.Errorf("writeFrame of exactly maxMessageSize bytes: %v, want nil: the limit itself is allowed", err)
	}
}
