package soak

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/nettest"

	"bytestream/final/frame"
	"bytestream/final/logging"
	"bytestream/final/server"
)

// fuzzMaxPayload is the server's limit while fuzzing: small, so that random
// lengths land on both sides of it.
const fuzzMaxPayload = 1 << 10

// FuzzServerConn sends arbitrary bytes to a whole server connection over
// loopback TCP, half-closes, and reads every answer until the server closes.
// Whatever arrives, the server must not panic or hang, every answer must
// parse as a frame, and the answers must be exactly what the protocol
// prescribes for those bytes (see expectedAnswers) — which includes that
// every ACK total is monotonic and never more than the bytes sent.
// `make test` runs the seeds; `make fuzz` searches for more.
func FuzzServerConn(f *testing.F) {
	text := func(s string) []byte { return frame.AppendFrame(nil, frame.Text, []byte(s)) }
	f.Add(append(text("hello"), text("world")...))
	f.Add(frame.AppendFrame(frame.AppendFrame(nil, frame.Ping, []byte{1, 2, 3}), frame.Data, make([]byte, 100)))
	f.Add(frame.AppendFrame(nil, frame.Text, []byte{0xff, 'x'}))                            // not UTF-8: message error
	f.Add(frame.AppendFrame(text("a"), frame.Type(0x42), []byte("?")))                      // unknown type, then EOF
	f.Add(frame.AppendFrame(nil, frame.Ack, make([]byte, 8)))                               // a type only the server sends
	f.Add(append(text("ok"), 0xff, 0xff, 0xff, 0xff, byte(frame.Data), 1, 2, 3))            // 4 GiB declared
	f.Add(append(text("ok"), 0, 0, 4, 1, byte(frame.Data)))                                 // just over the limit
	f.Add(append(text("ok"), 0, 0, 1))                                                      // truncated header
	f.Add(append(text("ok"), frame.AppendFrame(nil, frame.Data, make([]byte, 50))[:20]...)) // truncated payload
	f.Add([]byte{})
	f.Add(Garbage(1, 600))
	f.Fuzz(func(t *testing.T, wire []byte) {
		got, log := converse(t, wire)
		if strings.Contains(log, "panic") {
			t.Fatalf("server panicked:\n%s", log)
		}
		if err := checkAnswers(got, expectedAnswers(wire, fuzzMaxPayload)); err != nil {
			t.Fatalf("%v\nsent  %x\nlog:\n%s", err, wire, log)
		}
	})
}

// converse runs one connection against a fresh in-process server: it
// writes wire, half-closes, and returns every byte the server answered
// before closing, and the server's log. Shutdown returns only after the
// connection's goroutine has ended, so the log is complete.
func converse(t *testing.T, wire []byte) (answers []byte, log string) {
	var logBuf syncLog
	lh := logging.NewHandler(&logBuf, logging.Never, slog.LevelInfo)
	defer lh.Close()
	srv := &server.Server{MaxPayload: fuzzMaxPayload, Logger: slog.New(lh)}
	l, err := nettest.NewLocalListener("tcp")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()

	nc, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	nc.SetDeadline(time.Now().Add(mustFinish))
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		// The server may close before reading everything (a framing
		// error), so a failed write is expected, not a finding.
		nc.Write(wire)
		nc.(*net.TCPConn).CloseWrite()
	}()
	answers, err = io.ReadAll(nc)
	<-sent
	nc.Close()
	// A server that closes with input unread resets the connection; what
	// it sent before that has already arrived. A timeout means a hang.
	if err != nil && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("reading answers: %v (after %d bytes)\nlog:\n%s", err, len(answers), logBuf.String())
	}

	ctx, cancel := context.WithTimeout(context.Background(), mustFinish)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := <-served; !errors.Is(err, server.ErrServerClosed) {
		t.Fatalf("Serve returned %v, want ErrServerClosed", err)
	}
	lh.Close() // writes out the queued lines
	return answers, logBuf.String()
}

// answer is one frame the server sent, reduced to what the protocol fixes:
// its type, and the payload for ACK and PONG (an ERROR's wording is free).
type answer struct {
	typ     frame.Type
	payload string
}

func (a answer) String() string {
	if a.typ == frame.Ack && len(a.payload) == frame.AckLen {
		total, _ := frame.AckTotal([]byte(a.payload))
		return fmt.Sprintf("ACK %d", total)
	}
	return fmt.Sprintf("%s %q", a.typ, a.payload)
}

// expectedAnswers is the protocol as a model: what a correct server answers
// to wire, read with a limit of maxPayload, when the client then half-closes.
func expectedAnswers(wire []byte, maxPayload int) []answer {
	r := frame.NewReader(bytes.NewReader(wire))
	r.MaxPayload = maxPayload
	var want []answer
	var total uint64
	for {
		h, p, err := r.ReadFrame()
		if errors.Is(err, frame.ErrTooLarge) {
			return append(want, answer{typ: frame.Error}) // framing error: ERROR, then close
		}
		if err != nil {
			return want // clean end or truncated frame: close without a word
		}
		switch {
		case h.Type == frame.Ping:
			want = append(want, answer{frame.Pong, string(p)})
		case h.Type == frame.Data, h.Type == frame.Text && utf8.Valid(p):
			total += uint64(len(p))
			want = append(want, answer{frame.Ack, string(binary.BigEndian.AppendUint64(nil, total))})
		default:
			want = append(want, answer{typ: frame.Error}) // message error: ERROR, carry on
		}
	}
}

// checkAnswers parses what the server sent and compares it with want.
func checkAnswers(got []byte, want []answer) error {
	r := frame.NewReader(bytes.NewReader(got))
	var seen []answer
	for {
		h, p, err := r.ReadFrame()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("answers do not parse as frames after %v: %w", seen, err)
		}
		a := answer{typ: h.Type}
		switch h.Type {
		case frame.Ack, frame.Pong:
			a.payload = string(p)
		case frame.Error:
			if len(p) == 0 || !utf8.Valid(p) {
				return fmt.Errorf("ERROR payload %q is not a readable reason", p)
			}
		default:
			return fmt.Errorf("server sent a %s frame after %v", h.Type, seen)
		}
		seen = append(seen, a)
	}
	if !slices.Equal(seen, want) {
		return fmt.Errorf("answers\n  %v\nwant\n  %v", seen, want)
	}
	return nil
}
