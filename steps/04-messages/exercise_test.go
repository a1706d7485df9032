//go:build exercise

package main

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"bytestream/lab/shape"

	"golang.org/x/net/nettest"
)

// TestExerciseRoundTripRefusesAMalformedAck is the test behind chapter 04's
// exercise 1: docs/protocol.md says an ACK payload is exactly 8 bytes, and
// the client prints whatever it got. Make roundTrip return an error for an
// ACK of any other length. It fails until the exercise is done. Do the
// exercise in your copy of the step, and run the test with
//
//	go run ./lab exercises check 04.1
func TestExerciseRoundTripRefusesAMalformedAck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		ack     []byte
		wantErr bool
	}{
		{"an 8-byte ACK is fine", []byte{0, 0, 0, 0, 0, 0, 0, 2}, false},
		{"a 4-byte ACK is an error", []byte{0, 0, 0, 2}, true},
		{"an empty ACK is an error", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr := startLiar(t, tc.ack)
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(30 * time.Second))
			_, _, err = roundTrip(conn, bufio.NewReader(conn), request{typeText, []byte("hi")})
			if tc.wantErr && (err == nil || !strings.Contains(err.Error(), "ACK")) {
				t.Errorf("roundTrip = %v, want an error that mentions ACK.\n"+
					"Next: in roundTrip, refuse an ACK whose payload is not 8 bytes, and say ACK in the error.", err)
			}
			if !tc.wantErr && err != nil {
				t.Errorf("roundTrip = %v, want no error", err)
			}
		})
	}
}

// startLiar runs a server that answers every frame with an ACK carrying
// payload, whatever its length.
func startLiar(t *testing.T, payload []byte) string {
	t.Helper()
	ln, err := nettest.NewLocalListener("tcp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		in := bufio.NewReader(conn)
		for {
			if _, _, err := readFrame(in, maxPayloadSize); err != nil {
				return
			}
			writeFrame(conn, typeAck, payload)
		}
	}()
	return ln.Addr().String()
}

// TestExercisePingSendsEveryPingBeforeTheFirstPong is the test behind
// chapter 04's exercise 2: ping waits for each PONG before it sends the
// next PING. Make it send them all first and read the answers as they come.
// This test's server reads every PING before it answers any, so a ping
// that waits fails. Run it with
//
//	go run ./lab exercises check 04.2
func TestExercisePingSendsEveryPingBeforeTheFirstPong(t *testing.T) {
	t.Parallel()
	const n = 50
	addr := startHoarder(t, n)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	if err := ping(conn, bufio.NewReader(conn), n); err != nil {
		t.Errorf("ping(%d) = %v.\n"+
			"This test's server answers only once all %d PINGs have arrived.\n"+
			"Next: send every PING before you wait for the first PONG.", n, err, n)
	}
}

// hoarderPatience is how long the hoarding server waits for the next PING
// before it concludes that the client is waiting for a PONG, and hangs up.
// It only bounds how long a stop-and-wait ping takes to fail: a pipelining
// client sends its next PING at once.
const hoarderPatience = 5 * time.Second

// startHoarder runs a server that reads n PINGs, and only then answers
// each with its PONG.
func startHoarder(t *testing.T, n int) string {
	t.Helper()
	ln, err := nettest.NewLocalListener("tcp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		in := bufio.NewReader(conn)
		var pings [][]byte
		for len(pings) < n {
			conn.SetReadDeadline(time.Now().Add(hoarderPatience))
			_, payload, err := readFrame(in, maxPayloadSize)
			if err != nil {
				return
			}
			pings = append(pings, payload)
		}
		for _, p := range pings {
			if writeFrame(conn, typePong, p) != nil {
				return
			}
		}
		io.Copy(io.Discard, conn)
	}()
	return ln.Addr().String()
}

// TestExerciseTheCleanCloseCountsTheRejectedFrames is the test behind
// chapter 04's exercise 4: make the server's "closed cleanly" log line say
// how many of the connection's frames it rejected, as in
//
//	127.0.0.1:50312: connection closed cleanly, at a frame boundary, 2 of 3 frames rejected
//
// Run it with
//
//	go run ./lab exercises check 04.4
func TestExerciseTheCleanCloseCountsTheRejectedFrames(t *testing.T) {
	t.Parallel()
	addr, logs := startServer(t, shape.Options{})
	c := dial(t, addr)
	c.ask(typeText, "hello")
	c.ask(msgType(0x42), "hi")
	c.ask(typeText, "\xff")
	c.conn.(*net.TCPConn).CloseWrite()
	if _, _, err := readFrame(c.in, maxPayloadSize); err != io.EOF {
		t.Fatalf("after the answers: %v, want EOF", err)
	}
	// handle logs before it closes the connection: the line is there.
	want := "connection closed cleanly, at a frame boundary, 2 of 3 frames rejected"
	if !strings.Contains(logs.String(), want) {
		t.Errorf("server log:\n%s\nwant a line with %q.\n"+
			"Next: count the frames and the ERROR answers in handle, and add them to its clean-close line.", logs, want)
	}
}
