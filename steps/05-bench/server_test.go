package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"bytestream/lab/shape"

	"golang.org/x/net/nettest"
)

// syncBuffer is a bytes.Buffer that the server's goroutines may write while
// the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer runs serve on a real loopback listener whose accepted
// connections are reshaped by opts. It returns the address to dial and the
// server's log (stderr). The server stops when the test ends.
func startServer(t *testing.T, opts shape.Options) (string, *syncBuffer) {
	t.Helper()
	ln, err := nettest.NewLocalListener("tcp")
	if err != nil {
		t.Fatal(err)
	}
	logs := new(syncBuffer)
	done := make(chan error, 1)
	go func() {
		done <- serve(shape.WrapListener(ln, opts), log.New(io.Discard, "", 0), log.New(logs, "", 0))
	}()
	t.Cleanup(func() {
		ln.Close()
		if err := <-done; !errors.Is(err, net.ErrClosed) {
			t.Errorf("serve ended with %v, want net.ErrClosed", err)
		}
	})
	return ln.Addr().String(), logs
}

// client is one test connection with a reader for the answers.
type client struct {
	t    *testing.T
	conn net.Conn
	in   *bufio.Reader
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	// No answer in this package takes more than a moment; a generous
	// deadline turns a server bug into a failure instead of a hang.
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	return &client{t, conn, bufio.NewReader(conn)}
}

// send writes one frame.
func (c *client) send(typ msgType, payload string) {
	c.t.Helper()
	if err := writeFrame(c.conn, typ, []byte(payload)); err != nil {
		c.t.Fatal(err)
	}
}

// receive reads one answer.
func (c *client) receive() frame {
	c.t.Helper()
	typ, payload, err := readFrame(c.in, maxPayloadSize)
	if err != nil {
		c.t.Fatalf("reading an answer: %v", err)
	}
	return frame{typ, string(payload)}
}

// ask sends one frame and returns its answer.
func (c *client) ask(typ msgType, payload string) frame {
	c.t.Helper()
	c.send(typ, payload)
	return c.receive()
}

// ack is the answer that reports total.
func ack(total uint64) frame {
	return frame{typeAck, string(binary.BigEndian.AppendUint64(nil, total))}
}

func TestTextIsAckedWithTheRunningTotal(t *testing.T) {
	t.Parallel()
	addr, _ := startServer(t, shape.Options{})
	c := dial(t, addr)
	c.send(typeText, "hello")
	// docs/protocol.md's example answer, byte for byte: ACK 5.
	raw := make([]byte, headerSize+8)
	if _, err := io.ReadFull(c.in, raw); err != nil {
		t.Fatal(err)
	}
	if got, want := hex.EncodeToString(raw), "00000008050000000000000005"; got != want {
		t.Errorf("answer to TEXT hello = %s, want %s", got, want)
	}
	if got := c.ask(typeText, "world"); got != ack(10) {
		t.Errorf("answer to TEXT world = %v, want ACK 10", got)
	}
}

func TestDataAndTextShareOneTotal(t *testing.T) {
	t.Parallel()
	addr, _ := startServer(t, shape.Options{})
	c := dial(t, addr)
	if got := c.ask(typeData, strings.Repeat("\x00", 1000)); got != ack(1000) {
		t.Errorf("DATA 1000 bytes: got %v, want ACK 1000", got)
	}
	if got := c.ask(typeText, "hi"); got != ack(1002) {
		t.Errorf("TEXT hi: got %v, want ACK 1002", got)
	}
	// Each connection counts for itself.
	if got := dial(t, addr).ask(typeText, "hi"); got != ack(2) {
		t.Errorf("TEXT hi on a second connection: got %v, want ACK 2", got)
	}
}

func TestPingIsAnsweredWithTheIdenticalPayload(t *testing.T) {
	t.Parallel()
	addr, _ := startServer(t, shape.Options{})
	c := dial(t, addr)
	for _, payload := range []string{"", "x", "\x00\xff\x00", strings.Repeat("ping", 10000)} {
		if got := c.ask(typePing, payload); got != (frame{typePong, payload}) {
			t.Errorf("PING of %d bytes answered with %s of %d bytes", len(payload), got.t, len(got.payload))
		}
	}
}

func TestMessageErrorsGetAnErrorAndKeepTheConnection(t *testing.T) {
	t.Parallel()
	addr, logs := startServer(t, shape.Options{})
	for _, tc := range []struct {
		name      string
		t         msgType
		payload   string
		wantError string
	}{
		{"an unknown type", 0x42, "hi", "unknown message type 0x42"},
		{"a PONG from a client", typePong, "hi", "PONG is sent by the server, not by clients"},
		{"an ACK from a client", typeAck, "", "ACK is sent by the server, not by clients"},
		{"an ERROR from a client", typeError, "oops", "ERROR is sent by the server, not by clients"},
		{"TEXT that is not UTF-8", typeText, "caf\xe9", "TEXT payload is not valid UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := dial(t, addr)
			if got := c.ask(typeText, "ab"); got != ack(2) {
				t.Fatalf("TEXT ab: got %v, want ACK 2", got)
			}
			if got := c.ask(tc.t, tc.payload); got != (frame{typeError, tc.wantError}) {
				t.Errorf("got %v, want ERROR %q", got, tc.wantError)
			}
			// Same connection, and the rejected bytes were not counted.
			if got := c.ask(typeText, "cd"); got != ack(4) {
				t.Errorf("TEXT cd after the error: got %v, want ACK 4", got)
			}
			if !strings.Contains(logs.String(), tc.wantError) {
				t.Errorf("server log does not mention %q:\n%s", tc.wantError, logs)
			}
		})
	}
}

func TestPipelinedRequestsAreAnsweredInOrder(t *testing.T) {
	t.Parallel()
	addr, _ := startServer(t, shape.Options{})
	c := dial(t, addr)
	// Fifty requests in one Write, before reading a single answer.
	var batch bytes.Buffer
	var want []frame
	var total uint64
	for i := range 50 {
		switch i % 3 {
		case 0:
			writeFrame(&batch, typeText, []byte("abc"))
			total += 3
			want = append(want, ack(total))
		case 1:
			payload := string(rune('a' + i%26))
			writeFrame(&batch, typePing, []byte(payload))
			want = append(want, frame{typePong, payload})
		case 2:
			writeFrame(&batch, 0x42, nil)
			want = append(want, frame{typeError, "unknown message type 0x42"})
		}
	}
	if _, err := c.conn.Write(batch.Bytes()); err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		if got := c.receive(); got != w {
			t.Fatalf("answer %d = %v, want %v", i, got, w)
		}
	}
}

// The same conversation must get the same answers however the network cuts
// and merges the bytes. The piece sizes are seeded, so a failure replays
// exactly. A shaped Read waits until its whole piece has arrived; the
// client waits for each answer before it sends more, so Coalesce ends a Read
// that has waited 5ms rather than letting both sides wait for each other.
func TestAnswersDoNotDependOnHowTheStreamIsCut(t *testing.T) {
	t.Parallel()
	const wait = 5 * time.Millisecond
	shapes := map[string]shape.Options{
		"server reads 1 byte at a time":       {Read: shape.Rule{SplitMin: 1, SplitMax: 1}},
		"server reads pieces of 1 to 7 bytes": {Read: shape.Rule{SplitMin: 1, SplitMax: 7, Coalesce: wait}, Seed: 42},
		"server reads 64 bytes at a time":     {Read: shape.Rule{SplitMin: 64, SplitMax: 64, Coalesce: wait}},
	}
	for name, opts := range shapes {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			addr, _ := startServer(t, opts)
			c := dial(t, addr)
			// The client's writes are cut too, into 2-to-5-byte pieces.
			c.conn = shape.Wrap(c.conn, shape.Options{Write: shape.Rule{SplitMin: 2, SplitMax: 5}, Seed: 7})
			if got := c.ask(typeText, "hello"); got != ack(5) {
				t.Errorf("TEXT hello: got %v, want ACK 5", got)
			}
			if got := c.ask(typePing, "1234567890"); got != (frame{typePong, "1234567890"}) {
				t.Errorf("PING: got %v", got)
			}
			if got := c.ask(typeData, strings.Repeat("d", 100)); got != ack(105) {
				t.Errorf("DATA: got %v, want ACK 105", got)
			}
		})
	}
}

// Until step 06 a framing error gets no answer: the server hangs up (step 06 sends
// an ERROR first). What matters here is that it hangs up on that client only.
func TestAnOversizedFrameEndsOnlyThatConnection(t *testing.T) {
	t.Parallel()
	addr, logs := startServer(t, shape.Options{})
	other := dial(t, addr)
	hostile := dial(t, addr)
	hostile.conn.Write([]byte{0xff, 0xff, 0xff, 0xff, byte(typeData)})
	if _, _, err := readFrame(hostile.in, maxPayloadSize); err != io.EOF {
		t.Errorf("after a 4 GiB header the client read %v, want the server to hang up (EOF)", err)
	}
	if got := other.ask(typeText, "still here"); got != ack(10) {
		t.Errorf("the other client got %v, want ACK 10", got)
	}
	if !strings.Contains(logs.String(), "frame too large: 4294967295 bytes > limit 16777216") {
		t.Errorf("server log does not explain the hang-up:\n%s", logs)
	}
}

func TestATruncatedFrameIsNotLoggedAsACleanClose(t *testing.T) {
	t.Parallel()
	addr, logs := startServer(t, shape.Options{})
	c := dial(t, addr)
	c.conn.Write(encode(t, typeText, "hello")[:7])
	c.conn.(*net.TCPConn).CloseWrite()
	if _, _, err := readFrame(c.in, maxPayloadSize); err != io.EOF {
		t.Fatalf("client read %v, want EOF", err)
	}
	if got := logs.String(); !strings.Contains(got, "truncated TEXT frame: 2 of 5 payload bytes") || strings.Contains(got, "closed cleanly") {
		t.Errorf("server log should report the truncated TEXT frame, not a clean close:\n%s", got)
	}
}
