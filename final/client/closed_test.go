package client_test

import (
	"context"
	"errors"
	"io"
	"testing"

	"golang.org/x/net/nettest"

	"bytestream/final/client"
)

// A server that hangs up instead of answering: the error says so, where a
// bare "receive: EOF" left the user guessing.
func TestAServerThatHangsUpIsNamed(t *testing.T) {
	t.Parallel()
	l, err := nettest.NewLocalListener("tcp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		nc, err := l.Accept()
		if err != nil {
			return
		}
		io.ReadFull(nc, make([]byte, 5+2)) // the TEXT frame "hi", unanswered
		nc.Close()
	}()
	c, err := client.Dial(context.Background(), l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Text("hi")
	const want = "receive: the server closed the connection (EOF)"
	if err == nil || err.Error() != want || !errors.Is(err, io.EOF) {
		t.Fatalf("Text to a server that hangs up: error %v; want %q, matching io.EOF", err, want)
	}
}
