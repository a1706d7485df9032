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
)

// TestExerciseTheCleanCloseSaysHowManyFrames is the test behind chapter
// 06's exercise 1: when a client closes cleanly, make the server's log line
// say how many frames it answered on that connection, as in
//
//	127.0.0.1:50312: connection closed cleanly, at a frame boundary, after 3 frames
//
// It fails until the exercise is done. Do the exercise in your copy of the
// step, and run the test with
//
//	go run ./lab exercises check 06.1
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
			t.Fatalf("server log:\n%s\nwant a line with %q.\n"+
				"Next: count the frames handle answers, and print the count in endBetweenFrames.", logs, want)
		}
	}
}

// TestExerciseOneAddressGetsSixteenConnections is the test behind chapter
// 06's exercise 4: one client can take every one of -max-conns. Cap the
// connections from one IP address at 16 by default (a flag,
// -max-conns-per-ip, changes it), and refuse the next one as the -max-conns
// cap does: with an ERROR, then a hang-up. Run it with
//
//	go run ./lab exercises check 06.4
func TestExerciseOneAddressGetsSixteenConnections(t *testing.T) {
	t.Parallel()
	addr, _ := startServer(t, shape.Options{})
	var open []net.Conn
	for i := range 16 {
		conn, typ, _ := pingOnce(t, addr)
		if typ != typePong {
			t.Fatalf("connection %d of 16 from 127.0.0.1 was answered %s, want PONG", i+1, typ)
		}
		open = append(open, conn)
	}
	if _, typ, answer := pingOnce(t, addr); typ != typeError {
		t.Fatalf("a 17th connection from 127.0.0.1 was answered %s %q, want ERROR.\n"+
			"Next: count connections per IP in serve, and refuse the 17th as the -max-conns cap does.", typ, answer)
	}

	// Once one of the sixteen has ended, its address may connect again.
	open[0].(*net.TCPConn).CloseWrite()
	if _, err := io.Copy(io.Discard, open[0]); err != nil {
		t.Fatalf("waiting for the server to close connection 1: %v", err)
	}
	if _, typ, answer := pingOnce(t, addr); typ != typePong {
		t.Errorf("after one of the 16 closed, a new connection was answered %s %q, want PONG.\n"+
			"Next: count a connection down when it ends.", typ, answer)
	}
}

// pingOnce dials addr, sends one PING and returns the connection, open, with
// the answer's type and payload (an ERROR's text). A connection closed
// without an answer is a failure.
func pingOnce(t *testing.T, addr string) (net.Conn, msgType, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	if err := writeFrame(conn, typePing, []byte("hi")); err != nil {
		t.Fatal(err)
	}
	typ, payload, err := readFrame(bufio.NewReader(conn), maxPayloadSize)
	if err != nil {
		t.Fatalf("reading the answer to a PING: %v", err)
	}
	return conn, typ, string(payload)
}
