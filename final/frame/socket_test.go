package frame

import (
	"bytes"
	"io"
	"net"
	"testing"

	"golang.org/x/net/nettest"
)

// TestFramesCrossARealTCPConnection sends small and large frames over
// loopback TCP, where a large payload goes out in one vectored write, and
// checks the other side decodes exactly what was sent.
func TestFramesCrossARealTCPConnection(t *testing.T) {
	t.Parallel()
	ln, err := nettest.NewLocalListener("tcp")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, want := sample()
	want = append(want, frameCase{Data, bytes.Repeat([]byte("big"), 1<<20)})

	received := make(chan []frameCase, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			received <- nil
			return
		}
		defer conn.Close()
		var got []frameCase
		r := NewReader(conn)
		for {
			h, p, err := r.ReadFrame()
			if err != nil {
				if err != io.EOF {
					t.Errorf("server read: %v", err)
				}
				received <- got
				return
			}
			got = append(got, frameCase{h.Type, bytes.Clone(p)})
		}
	}()

	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	w := NewWriter(client)
	for _, c := range want {
		if err := w.WriteFrame(c.typ, c.payload); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	client.Close()
	assertFrames(t, <-received, want)
}

// TestOnASocketAFrameThatDoesNotFitGoesOutWithTheBatch writes four 4 KiB
// frames through a 16 KiB buffer. On a socket the fourth leaves with the
// three before it, in one vectored write (full writes, as raw TCP's);
// elsewhere it starts the next batch, as it would need a copy to join it.
func TestOnASocketAFrameThatDoesNotFitGoesOutWithTheBatch(t *testing.T) {
	t.Parallel()
	ln, err := nettest.NewLocalListener("tcp")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err == nil {
			io.Copy(io.Discard, conn)
			conn.Close()
		}
	}()
	sock, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer sock.Close()
	for _, c := range []struct {
		name    string
		dst     io.Writer
		pending int
	}{
		{"socket", sock, 0},
		{"buffer", new(bytes.Buffer), HeaderLen + 4<<10},
	} {
		w := NewWriter(c.dst)
		for range 4 {
			if err := w.WriteFrame(Data, make([]byte, 4<<10)); err != nil {
				t.Fatal(err)
			}
		}
		if w.Buffered() != c.pending {
			t.Errorf("%s: %d bytes pending after four 4 KiB frames, want %d", c.name, w.Buffered(), c.pending)
		}
	}
}
