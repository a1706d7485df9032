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
