package main

import (
	"bufio"
	"context"
	"errors"
	"net"
	"testing"
	"time"

	finalclient "bytestream/final/client"
	finalframe "bytestream/final/frame"
	finalserver "bytestream/final/server"
	"bytestream/lab/shape"

	"golang.org/x/net/nettest"
)

// From this step on the wire format is docs/protocol.md's, so this step and the
// finished program must understand each other in both directions. These
// tests hold that promise: if either side drifts, one of them fails.

func TestFinalClientTalksToThisServer(t *testing.T) {
	t.Parallel()
	addr, _ := startServer(t, shape.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := finalclient.Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	if total, err := c.Text("hello"); err != nil || total != 5 {
		t.Errorf("Text(hello) = %d, %v; want 5", total, err)
	}
	if total, err := c.Data(make([]byte, 1000)); err != nil || total != 1005 {
		t.Errorf("Data(1000 bytes) = %d, %v; want 1005", total, err)
	}
	if _, err := c.Ping([]byte("seq 1")); err != nil {
		t.Errorf("Ping: %v", err)
	}
	// A message error comes back as the final client's ServerError, and
	// the connection still works afterwards.
	if err := c.Send(finalframe.Type(0x42), []byte("hi")); err != nil {
		t.Fatal(err)
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	var serverErr *finalclient.ServerError
	if _, _, err := c.Receive(); !errors.As(err, &serverErr) || serverErr.Text != "unknown message type 0x42" {
		t.Errorf("answer to type 0x42: %v, want ServerError %q", err, "unknown message type 0x42")
	}
	if total, err := c.Text("world"); err != nil || total != 1010 {
		t.Errorf("Text(world) after the error = %d, %v; want 1010", total, err)
	}
}

func TestThisClientTalksToTheFinalServer(t *testing.T) {
	t.Parallel()
	ln, err := nettest.NewLocalListener("tcp")
	if err != nil {
		t.Fatal(err)
	}
	srv := &finalserver.Server{}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Shutdown(context.Background())
		if err := <-served; !errors.Is(err, finalserver.ErrServerClosed) {
			t.Errorf("Serve ended with %v, want ErrServerClosed", err)
		}
	})

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	in := bufio.NewReader(conn)
	for _, tc := range []struct {
		req  request
		want frame
	}{
		{request{typeText, []byte("hello")}, ack(5)},
		{request{typeData, []byte("12345")}, ack(10)},
		{request{typePing, []byte("seq 1")}, frame{typePong, "seq 1"}},
		{request{0x42, []byte("hi")}, frame{typeError, "unknown message type 0x42"}},
		{request{typeText, []byte("caf\xe9")}, frame{typeError, ""}}, // final's own wording
		{request{typeText, []byte("world")}, ack(15)},
	} {
		typ, answer, err := roundTrip(conn, in, tc.req)
		if err != nil {
			t.Fatalf("%s %q: %v", tc.req.t, tc.req.payload, err)
		}
		got := frame{typ, string(answer)}
		if tc.want.t == typeError && tc.want.payload == "" {
			got.payload = ""
		}
		if got != tc.want {
			t.Errorf("%s %q: answered %v, want %v", tc.req.t, tc.req.payload, got, tc.want)
		}
	}
	if err := finish(conn, in); err != nil {
		t.Errorf("closing after the last answer: %v", err)
	}
}
