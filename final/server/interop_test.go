package server_test

// These tests are a second, independent implementation of the protocol's
// client side, written from docs/protocol.md alone: they build and parse frames
// by hand and import nothing of final/ except the server they talk to. If
// they pass, a stranger who reads only the protocol document can talk to
// the server, on every rule, including the hostile ones.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"bytestream/final/server"
)

// The type codes of docs/protocol.md.
const (
	typeText  = 0x01
	typePing  = 0x02
	typePong  = 0x03
	typeData  = 0x04
	typeAck   = 0x05
	typeError = 0x06
)

// encode builds one frame: 4-byte big-endian payload length, type, payload.
func encode(typ byte, payload []byte) []byte {
	b := make([]byte, 5, 5+len(payload))
	binary.BigEndian.PutUint32(b, uint32(len(payload)))
	b[4] = typ
	return append(b, payload...)
}

type rawFrame struct {
	typ     byte
	payload []byte
}

// readRaw reads exactly one frame: 5 header bytes, then exactly the
// declared payload.
func readRaw(t *testing.T, nc net.Conn) rawFrame {
	t.Helper()
	var hdr [5]byte
	if _, err := io.ReadFull(nc, hdr[:]); err != nil {
		t.Fatalf("read answer header: %v", err)
	}
	n := binary.BigEndian.Uint32(hdr[:4])
	if n > 1<<20 {
		t.Fatalf("answer declares %d payload bytes; no answer in these tests is that big", n)
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(nc, payload); err != nil {
		t.Fatalf("read answer payload: %v", err)
	}
	return rawFrame{hdr[4], payload}
}

func send(t *testing.T, nc net.Conn, wire ...[]byte) {
	t.Helper()
	if _, err := nc.Write(bytes.Join(wire, nil)); err != nil {
		t.Fatalf("send: %v", err)
	}
}

func expectAck(t *testing.T, nc net.Conn, total uint64) {
	t.Helper()
	f := readRaw(t, nc)
	if f.typ != typeAck || len(f.payload) != 8 || binary.BigEndian.Uint64(f.payload) != total {
		t.Fatalf("got type 0x%02x payload % x, want ACK %d", f.typ, f.payload, total)
	}
}

func expectError(t *testing.T, nc net.Conn, text string) {
	t.Helper()
	f := readRaw(t, nc)
	if f.typ != typeError || !strings.Contains(string(f.payload), text) {
		t.Fatalf("got type 0x%02x %q, want ERROR containing %q", f.typ, f.payload, text)
	}
}

// expectClosed checks that the server closed the connection: the next read
// finds the end of the stream, not more frames.
func expectClosed(t *testing.T, nc net.Conn) {
	t.Helper()
	var b [1]byte
	n, err := nc.Read(b[:])
	if n != 0 || !errors.Is(err, io.EOF) {
		t.Fatalf("read after close = %d bytes, %v; want io.EOF", n, err)
	}
}

// rawServer starts a server with cfg for the raw tests.
func rawServer(t *testing.T, cfg *server.Server) (*running, net.Conn) {
	t.Helper()
	rs := start(t, cfg)
	return rs, dialRaw(t, rs.addr)
}

func TestWorkedExampleByteForByte(t *testing.T) {
	t.Parallel()
	_, nc := rawServer(t, &server.Server{})
	hello := []byte{0x00, 0x00, 0x00, 0x05, 0x01, 0x68, 0x65, 0x6c, 0x6c, 0x6f}
	send(t, nc, hello)
	want := []byte{0x00, 0x00, 0x00, 0x08, 0x05, 0, 0, 0, 0, 0, 0, 0, 0x05}
	got := make([]byte, len(want))
	if _, err := io.ReadFull(nc, got); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("answer to TEXT hello = % x, %v; want % x", got, err, want)
	}
	send(t, nc, encode(typeText, []byte("world")))
	expectAck(t, nc, 10)
}

func TestAckTotalCountsTextAndDataThisFrameIncluded(t *testing.T) {
	t.Parallel()
	_, nc := rawServer(t, &server.Server{})
	send(t, nc, encode(typeText, []byte("abc")))
	expectAck(t, nc, 3)
	send(t, nc, encode(typeData, make([]byte, 1000)))
	expectAck(t, nc, 1003)
	send(t, nc, encode(typeText, nil)) // an empty frame is valid and adds 0
	expectAck(t, nc, 1003)
	send(t, nc, encode(typePing, []byte("not counted")))
	readRaw(t, nc)
	send(t, nc, encode(typeData, []byte{0}))
	expectAck(t, nc, 1004)
}

func TestAckTotalIsPerConnection(t *testing.T) {
	t.Parallel()
	rs, a := rawServer(t, &server.Server{})
	b := dialRaw(t, rs.addr)
	send(t, a, encode(typeText, []byte("aaaa")))
	expectAck(t, a, 4)
	send(t, b, encode(typeText, []byte("b")))
	expectAck(t, b, 1)
}

func TestPongEchoesThePingPayloadUnchanged(t *testing.T) {
	t.Parallel()
	_, nc := rawServer(t, &server.Server{})
	for _, payload := range [][]byte{{0, 0, 0, 0, 0, 0, 0, 42}, nil, bytes.Repeat([]byte{0xff, 0x00}, 40000)} {
		send(t, nc, encode(typePing, payload))
		f := readRaw(t, nc)
		if f.typ != typePong || !bytes.Equal(f.payload, payload) {
			t.Fatalf("PING of %d bytes answered with type 0x%02x and %d bytes", len(payload), f.typ, len(f.payload))
		}
	}
}

func TestPipelinedRequestsAreAnsweredInOrder(t *testing.T) {
	t.Parallel()
	_, nc := rawServer(t, &server.Server{})
	var wire [][]byte
	for i := range 300 {
		wire = append(wire, encode(typeText, []byte("x")), encode(typePing, binary.BigEndian.AppendUint32(nil, uint32(i))))
	}
	send(t, nc, wire...)
	for i := range 300 {
		expectAck(t, nc, uint64(i+1))
		if f := readRaw(t, nc); f.typ != typePong || binary.BigEndian.Uint32(f.payload) != uint32(i) {
			t.Fatalf("answer %d: type 0x%02x payload % x, want PONG %d", i, f.typ, f.payload, i)
		}
	}
}

func TestAFrameSentOneByteAtATimeIsStillOneFrame(t *testing.T) {
	t.Parallel()
	_, nc := rawServer(t, &server.Server{})
	for _, b := range encode(typeText, []byte("hello")) {
		send(t, nc, []byte{b})
	}
	expectAck(t, nc, 5)
}

func TestMessageErrorsAreAnsweredAndTheConnectionKept(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		frame []byte
		error string
	}{
		{"unknown type", encode(0x42, []byte("skip me")), "unknown message type 0x42"},
		{"unknown type zero", encode(0x00, nil), "unknown message type 0x00"},
		{"PONG from a client", encode(typePong, []byte("x")), "PONG"},
		{"ACK from a client", encode(typeAck, make([]byte, 8)), "ACK"},
		{"ERROR from a client", encode(typeError, []byte("oops")), "ERROR"},
		{"TEXT that is not UTF-8", encode(typeText, []byte("ok\xff\xfe")), "not valid UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, nc := rawServer(t, &server.Server{})
			send(t, nc, encode(typeText, []byte("abc")), c.frame, encode(typeText, []byte("de")))
			expectAck(t, nc, 3)
			expectError(t, nc, c.error)
			// The rejected frame's payload was skipped, the next frame
			// parsed, and the rejected bytes not counted.
			expectAck(t, nc, 5)
		})
	}
}

func TestOversizeFrameIsAFramingError(t *testing.T) {
	t.Parallel()
	_, nc := rawServer(t, &server.Server{})
	send(t, nc, []byte{0xff, 0xff, 0xff, 0xff, typeData})
	expectError(t, nc, "frame too large: 4294967295 bytes > limit 16777216")
	expectClosed(t, nc)
}

func TestMaxPayloadIsInclusive(t *testing.T) {
	t.Parallel()
	rs := start(t, &server.Server{MaxPayload: 16})
	nc := dialRaw(t, rs.addr)
	send(t, nc, encode(typeData, make([]byte, 16)))
	expectAck(t, nc, 16)
	send(t, nc, encode(typeData, make([]byte, 17)))
	expectError(t, nc, "frame too large: 17 bytes > limit 16")
	expectClosed(t, nc)
}

func TestFrameTimeoutIsAFramingError(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		partial []byte
		detail  string
	}{
		{"inside the header", []byte{0, 0, 0}, "3 of 5"},
		{"inside the payload", encode(typeText, []byte("hello"))[:7], "2 of 5"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rs, nc := rawServer(t, &server.Server{FrameTimeout: 50 * time.Millisecond})
			send(t, nc, c.partial)
			expectError(t, nc, "frame timeout")
			expectClosed(t, nc)
			rs.waitLog(t, `warning: closed: frame timeout: .*`+c.detail+`.*not complete within 50ms`)
		})
	}
}

func TestAFrameMayArriveSlowlyWithinTheFrameTimeout(t *testing.T) {
	t.Parallel()
	// Frames 2 and 3 each start right behind the previous frame and then
	// stall for 60% of the frame timeout. Each is on time, though together
	// they take longer than the timeout: the frame clock must restart with
	// every frame, including one that starts in the server's buffer.
	const frameTimeout = time.Second
	_, nc := rawServer(t, &server.Server{FrameTimeout: frameTimeout})
	f1, f2, f3 := encode(typeText, []byte("one")), encode(typeText, []byte("two")), encode(typeText, []byte("three"))
	send(t, nc, f1, f2[:3])
	expectAck(t, nc, 3)
	time.Sleep(frameTimeout * 6 / 10)
	send(t, nc, f2[3:], f3[:3])
	expectAck(t, nc, 6)
	time.Sleep(frameTimeout * 6 / 10)
	send(t, nc, f3[3:])
	expectAck(t, nc, 11)
}

func TestIdleConnectionIsClosedWithoutAnError(t *testing.T) {
	t.Parallel()
	rs, nc := rawServer(t, &server.Server{IdleTimeout: 50 * time.Millisecond})
	expectClosed(t, nc) // no frame started: closed quietly, no ERROR
	rs.waitLog(t, `closed: idle timeout: no frame started within 50ms`)
}

func TestBusyConnectionOutlivesTheIdleTimeout(t *testing.T) {
	t.Parallel()
	// Frames keep coming for three idle timeouts; the connection is never
	// idle that long, so it must stay open throughout.
	const idle = 500 * time.Millisecond
	_, nc := rawServer(t, &server.Server{IdleTimeout: idle})
	for end := time.Now().Add(3 * idle); time.Now().Before(end); {
		send(t, nc, encode(typePing, nil))
		if f := readRaw(t, nc); f.typ != typePong {
			t.Fatalf("got type 0x%02x, want PONG", f.typ)
		}
	}
}

func TestHalfCloseGetsEveryAnswerThenAClose(t *testing.T) {
	t.Parallel()
	rs, nc := rawServer(t, &server.Server{})
	send(t, nc, encode(typeText, []byte("hello")), encode(typeText, []byte("world")), encode(typePing, []byte("p")))
	if err := nc.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	expectAck(t, nc, 5)
	expectAck(t, nc, 10)
	if f := readRaw(t, nc); f.typ != typePong {
		t.Fatalf("third answer is type 0x%02x, want PONG", f.typ)
	}
	expectClosed(t, nc)
	rs.waitLog(t, `\[conn 1\] closed: client closed its side; 3 frames in`)
}

func TestTruncatedFrameIsLoggedAsAWarningWithByteCounts(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		partial []byte
		log     string
	}{
		{"inside the header", []byte{0, 0, 0}, `warning: closed: truncated frame: 3 of 5 header bytes`},
		{"inside the payload", encode(typeData, make([]byte, 100))[:45], `warning: closed: truncated DATA frame: 40 of 100 payload bytes`},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rs, nc := rawServer(t, &server.Server{})
			send(t, nc, c.partial)
			nc.(*net.TCPConn).CloseWrite()
			expectClosed(t, nc)
			rs.waitLog(t, c.log)
		})
	}
}

func TestAResetBetweenFramesIsLoggedAsAReset(t *testing.T) {
	t.Parallel()
	rs, nc := rawServer(t, &server.Server{})
	send(t, nc, encode(typePing, []byte("p")))
	if f := readRaw(t, nc); f.typ != typePong {
		t.Fatalf("answer is type 0x%02x, want PONG", f.typ)
	}
	// Between frames the server tries a read before it waits, and that
	// read takes a pending error off the socket: the reset must be kept
	// for the next read to report, not read as a clean close.
	nc.(*net.TCPConn).SetLinger(0)
	nc.Close()
	rs.waitLog(t, `warning: closed: read header \(0 of 5 bytes\): read tcp [^ ]+: read: connection reset by peer; 1 frame in`)
}
