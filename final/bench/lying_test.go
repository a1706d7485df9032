package bench

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"

	"bytestream/final/client"
	"bytestream/final/frame"
)

// startLyingServer answers every DATA frame with an ACK whose total is one
// byte short, the way a server that lost a byte would.
func startLyingServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r, w := frame.NewReader(c), frame.NewWriter(c)
		var total uint64
		for {
			_, p, err := r.ReadFrame()
			if err != nil {
				w.Flush()
				return
			}
			total += uint64(len(p))
			w.WriteAck(total - 1)
			if r.Buffered() == 0 {
				w.Flush()
			}
		}
	}()
	t.Cleanup(func() { l.Close(); <-done })
	return l.Addr().String()
}

func TestPipelinedRefusesAShortFinalAck(t *testing.T) {
	t.Parallel()
	c, err := client.Dial(context.Background(), startLyingServer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = pipelined(c, 64, budget{frames: 100}, window(1, 64), new(progress))
	if err == nil || !strings.Contains(err.Error(), "final ACK total 6399, sent 6400 bytes") {
		t.Errorf("pipelined against a server that loses a byte: err = %v, want the final ACK mismatch", err)
	}
	if errors.Is(err, io.EOF) {
		t.Errorf("the mismatch should be reported, not the close that followed it: %v", err)
	}
}
