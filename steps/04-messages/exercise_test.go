//go:build exercise

package main

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/nettest"
)

// TestExerciseRoundTripRefusesAMalformedAck is the test behind chapter 04's
// first exercise: PROTOCOL.md says an ACK payload is exactly 8 bytes, and
// the client prints whatever it got. Make roundTrip return an error for an
// ACK of any other length. It fails until the exercise is done. Run it with
//
//	go test -tags exercise -run Exercise ./steps/04-messages
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
				t.Errorf("roundTrip = %v, want an error that mentions ACK", err)
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
