//go:build exercise

package main

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"bytestream/lab/shape"
)

// TestExerciseTheCleanCloseSaysHowManyFrames is the test behind chapter
// 06's first exercise: when a client closes cleanly, make the server's log
// line say how many frames it answered on that connection, as in
//
//	127.0.0.1:50312: connection closed cleanly, at a frame boundary, after 3 frames
//
// It fails until the exercise is done. Run it with
//
//	go test -tags exercise -run Exercise ./steps/06-teardown
func TestExerciseTheCleanCloseSaysHowManyFrames(t *testing.T) {
	t.Parallel()
	addr, logs := startServer(t, shape.Options{})
	c := dial(t, addr)
	for range 3 {
		c.ask(typeText, "abc")
	}
	c.conn.(*net.TCPConn).CloseWrite()
	if _, _, err := readFrame(c.in, maxPayloadSize); err != io.EOF {
		t.Fatalf("after the answers: %v, want EOF", err)
	}
	want := "connection closed cleanly, at a frame boundary, after 3 frames"
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(logs.String(), want); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("server log:\n%s\nwant a line with %q", logs, want)
		}
	}
}
