package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"bytestream/final/client"
	"bytestream/final/frame"
	"bytestream/final/server"
	"bytestream/final/server/servertest"
)

const mustFinish = 20 * time.Second

func dial(t *testing.T, addr string) *client.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), mustFinish)
	defer cancel()
	c, err := client.Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestTextDataAndPing(t *testing.T) {
	t.Parallel()
	c := dial(t, servertest.Start(t, &server.Server{}))
	if total, err := c.Text("hello"); err != nil || total != 5 {
		t.Fatalf("Text = %d, %v; want 5", total, err)
	}
	if total, err := c.Data(make([]byte, 1000)); err != nil || total != 1005 {
		t.Fatalf("Data = %d, %v; want 1005", total, err)
	}
	if rtt, err := c.Ping([]byte("seq 1")); err != nil || rtt <= 0 {
		t.Fatalf("Ping = %v, %v", rtt, err)
	}
}

func TestPipeliningFromTwoGoroutines(t *testing.T) {
	t.Parallel()
	c := dial(t, servertest.Start(t, &server.Server{}))
	const n = 5000
	sent := make(chan error, 1)
	go func() {
		for i := range n {
			if err := c.Send(frame.Data, make([]byte, i%100)); err != nil {
				sent <- err
				return
			}
		}
		sent <- c.CloseWrite()
	}()
	var want uint64
	for i := range n {
		want += uint64(i % 100)
		h, p, err := c.Receive()
		if err != nil || h.Type != frame.Ack {
			t.Fatalf("answer %d: %v, %v", i, h.Type, err)
		}
		if total, _ := frame.AckTotal(p); total != want {
			t.Fatalf("answer %d: ACK %d, want %d", i, total, want)
		}
	}
	if _, _, err := c.Receive(); !errors.Is(err, io.EOF) {
		t.Fatalf("after the last answer: %v, want io.EOF", err)
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
}

func TestAnErrorAnswerIsAServerError(t *testing.T) {
	t.Parallel()
	c := dial(t, servertest.Start(t, &server.Server{}))
	_, err := c.Text("\xc3\x28")
	var serr *client.ServerError
	if !errors.As(err, &serr) || !strings.HasPrefix(serr.Text, "TEXT payload is not valid UTF-8") {
		t.Fatalf("Text of invalid UTF-8: %v", err)
	}
	if err.Error() != "server error: "+serr.Text {
		t.Errorf("Error() = %q", err.Error())
	}
}

// fakeServer answers every frame it reads with the frame answer returns,
// so tests can play a server that breaks the rules.
func fakeServer(t *testing.T, answer func(frame.Header, []byte) []byte) *client.Conn {
	t.Helper()
	mine, theirs := net.Pipe()
	t.Cleanup(func() { mine.Close(); theirs.Close() })
	go func() {
		r := frame.NewReader(theirs)
		for {
			h, p, err := r.ReadFrame()
			if err != nil {
				return
			}
			if _, err := theirs.Write(answer(h, p)); err != nil {
				return
			}
		}
	}()
	return client.NewConn(mine)
}

func TestPingCatchesAWrongPong(t *testing.T) {
	t.Parallel()
	c := fakeServer(t, func(_ frame.Header, p []byte) []byte {
		return frame.AppendFrame(nil, frame.Pong, append(bytes.Clone(p), '!'))
	})
	if _, err := c.Ping([]byte("abc")); err == nil || !strings.Contains(err.Error(), "differs") {
		t.Fatalf("Ping with a changed PONG: %v, want an error", err)
	}
}

func TestAnswerOfTheWrongTypeIsAnError(t *testing.T) {
	t.Parallel()
	c := fakeServer(t, func(frame.Header, []byte) []byte {
		return frame.AppendFrame(nil, frame.Pong, nil)
	})
	if _, err := c.Text("hi"); err == nil || !strings.Contains(err.Error(), "TEXT answered with PONG, want ACK") {
		t.Fatalf("Text answered by PONG: %v", err)
	}
	c = fakeServer(t, func(frame.Header, []byte) []byte {
		return frame.AppendFrame(nil, frame.Ack, []byte{1, 2, 3})
	})
	if _, err := c.Data([]byte("x")); err == nil || !strings.Contains(err.Error(), "ACK payload is 3 bytes") {
		t.Fatalf("Data answered by a short ACK: %v", err)
	}
}

func Example() {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	srv := &server.Server{}
	go srv.Serve(l)
	defer srv.Shutdown(context.Background())

	c, err := client.Dial(context.Background(), l.Addr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	for _, msg := range []string{"hello", "world"} {
		total, err := c.Text(msg)
		fmt.Println("ACK", total, err)
	}
	_, err = c.Text("\xff")
	fmt.Println(err)
	// Output:
	// ACK 5 <nil>
	// ACK 10 <nil>
	// server error: TEXT payload is not valid UTF-8 (byte 0xff at offset 0)
}

// A server that reads every frame and never answers: without a deadline,
// Text would wait for its ACK forever.
func TestADeadlineEndsTheWaitForAnAnswer(t *testing.T) {
	t.Parallel()
	c := fakeServer(t, func(frame.Header, []byte) []byte { return nil })
	c.SetDeadline(time.Now().Add(50 * time.Millisecond))
	done := make(chan error, 1)
	go func() {
		_, err := c.Text("anyone there?")
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("Text past its deadline: %v, want os.ErrDeadlineExceeded", err)
		}
	case <-time.After(mustFinish):
		t.Fatalf("Text still waiting %v after a 50ms deadline", mustFinish)
	}
}

// The write deadline bounds a Send to a server that stopped reading.
func TestAWriteDeadlineEndsASendNobodyReads(t *testing.T) {
	t.Parallel()
	mine, theirs := net.Pipe() // a pipe holds nothing: every write waits for a reader
	t.Cleanup(func() { mine.Close(); theirs.Close() })
	c := client.NewConn(mine)
	c.SetWriteDeadline(time.Now().Add(50 * time.Millisecond))
	err := c.Send(frame.Data, make([]byte, 1<<20))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Send nobody reads, past its deadline: %v, want os.ErrDeadlineExceeded", err)
	}
}

// An ERROR's text comes from the other end: printed as sent, a hostile
// server could set the terminal's title, clear the screen or forge a line.
func TestAServerErrorShowsControlCharactersAsEscapes(t *testing.T) {
	t.Parallel()
	text := "\x1b]0;pwned\a\x1b[2Jbad\r\nfake line \xff ✓ \uFFFD"
	c := fakeServer(t, func(frame.Header, []byte) []byte {
		return append([]byte{0, 0, 0, byte(len(text)), byte(frame.Error)}, text...)
	})
	_, err := c.Text("hi")
	var serr *client.ServerError
	if !errors.As(err, &serr) || serr.Text != text {
		t.Fatalf("Text against a server answering ERROR: %v", err)
	}
	want := `\x1b]0;pwned\a\x1b[2Jbad\r\nfake line \xff ✓ ` + "\uFFFD"
	if got := serr.Printable(); got != want {
		t.Errorf("Printable() = %s, want %s", got, want)
	}
	if got := err.Error(); got != "server error: "+want {
		t.Errorf("Error() = %s, want the printable text", got)
	}
}
