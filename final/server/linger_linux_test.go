package server_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"bytestream/final/frame"
	"bytestream/final/server"
)

// TestShutdownWaitsForASlowReaderToTakeItsAnswers is issue 12's lost
// answers at shutdown, made deterministic. A client pipelines 500 small
// DATA frames and reads nothing yet; its receive buffer is tiny, so most
// of the 500 ACKs wait in the server's send queue when the server shuts
// down. The client reads only after a pause longer than lingerTimeout, and
// sends one more frame first, as a pipelining client would. A server that
// closed when its fixed linger ran out has closed by then: the late frame
// makes its kernel reset the connection and throw the queued ACKs away,
// and the client sees a few ACKs, then "connection reset". The server must
// instead wait while its answers are undelivered (up to the write
// timeout), so the client gets every ACK and then the end of the stream.
func TestShutdownWaitsForASlowReaderToTakeItsAnswers(t *testing.T) {
	t.Parallel()
	const (
		frames  = 500
		payload = 16
		pause   = 700 * time.Millisecond // longer than the old 500 ms linger
	)
	rs := start(t, &server.Server{})
	dialer := net.Dialer{Timeout: mustFinish, Control: func(_, _ string, rc syscall.RawConn) error {
		// Set before connecting, so the window the client offers is small
		// from the start: 500 ACKs (6.5 KB) cannot all leave the server.
		return rc.Control(func(fd uintptr) {
			syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 1024)
		})
	}}
	nc, err := dialer.Dial("tcp", rs.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(mustFinish))
	data := frame.AppendFrame(nil, frame.Data, make([]byte, payload))
	var burst []byte
	for range frames {
		burst = append(burst, data...)
	}
	send(t, nc, burst)
	rs.waitLog(t, fmt.Sprintf(`→ ACK %d\n`, frames*payload)) // every frame read and answered

	shutdown := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), mustFinish)
		defer cancel()
		shutdown <- rs.srv.Shutdown(ctx)
	}()
	time.Sleep(pause) // the client is slow to read: that is the scenario, not a wait for readiness
	nc.Write(data)    // dropped by the server, or refused by a closed socket's reset

	r := frame.NewReader(nc)
	var last uint64
	for {
		h, p, err := r.ReadFrame()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("after ACK %d of %d: %v, want every ACK, then the end of the stream", last, frames*payload, err)
		}
		if h.Type != frame.Ack {
			t.Fatalf("after ACK %d: a %s frame, want ACK", last, h.Type)
		}
		last, _ = frame.AckTotal(p)
	}
	if err := <-shutdown; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	rs.waitLog(t, fmt.Sprintf(`closed: server shutting down; .* ACK total %d, `, last))
	if last != frames*payload {
		t.Fatalf("last ACK %d, want %d", last, frames*payload)
	}
}
