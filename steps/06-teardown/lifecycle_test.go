package main

import (
	"bytes"
	"errors"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"bytestream/lab/shape"

	"golang.org/x/net/nettest"
)

// A client that half-closes has said everything it will say. The server
// answers every frame it read, then closes: the client reads all its
// answers, then the end of the stream. The stream is cut by seeded lab
// rules in both directions, so frames straddle reads everywhere.
func TestHalfCloseGetsEveryAnswerThenACleanClose(t *testing.T) {
	t.Parallel()
	addr, logs := startServer(t, shape.Options{Read: shape.Rule{SplitMin: 1, SplitMax: 9, Coalesce: 5 * time.Millisecond}, Seed: 3})
	c := dial(t, addr)
	c.conn = shape.Wrap(c.conn, shape.Options{Write: shape.Rule{SplitMin: 2, SplitMax: 11}, Seed: 4})
	var batch bytes.Buffer
	for range 100 {
		writeFrame(&batch, typeText, []byte("abc"))
	}
	if _, err := c.conn.Write(batch.Bytes()); err != nil {
		t.Fatal(err)
	}
	c.conn.(interface{ CloseWrite() error }).CloseWrite()
	for i := range 100 {
		if got := c.receive(); got != ack(uint64(3*(i+1))) {
			t.Fatalf("answer %d = %v, want ACK %d", i, got, 3*(i+1))
		}
	}
	if _, _, err := readFrame(c.in, maxPayloadSize); err != io.EOF {
		t.Errorf("after the last answer: %v, want EOF", err)
	}
	waitForLog(t, logs, `connection closed cleanly, at a frame boundary`)
}

// Shutdown closes idle connections at once, but lets a frame in progress
// finish and be answered.
func TestShutdownFinishesTheFrameInProgress(t *testing.T) {
	t.Parallel()
	addr, _, s := startConfigured(t, defaultConfig, shape.Options{})
	idle := dial(t, addr)
	busy := dial(t, addr)
	frame := encode(t, typeText, "hello")
	busy.conn.Write(frame[:7]) // a frame in progress
	waitForConns(t, s, 2, 1)

	finished := make(chan bool)
	go func() { finished <- s.shutdown() }()

	// The idle connection is closed without an answer...
	if _, _, err := readFrame(idle.in, maxPayloadSize); err != io.EOF {
		t.Errorf("idle client read %v, want EOF", err)
	}
	// ...while the busy one completes its frame, gets its ACK, then EOF.
	busy.conn.Write(frame[7:])
	if got := busy.receive(); got != ack(5) {
		t.Errorf("busy client got %v, want ACK 5", got)
	}
	if _, _, err := readFrame(busy.in, maxPayloadSize); err != io.EOF {
		t.Errorf("busy client read %v after its answer, want EOF", err)
	}
	if !<-finished {
		t.Error("shutdown reported that the grace period ran out")
	}
}

// Frames the server has already read when shutdown begins were sent before
// it, and are answered. The server's reads are shaped to take in all three
// frames at once, so they are surely in its buffer, and the first answer
// waits until shutdown has begun.
func TestShutdownAnswersTheFramesAlreadyRead(t *testing.T) {
	t.Parallel()
	three := bytes.Repeat(encode(t, typeText, "abc"), 3)
	addr, _, s := startConfigured(t, defaultConfig, shape.Options{Read: shape.Rule{SplitMin: len(three), SplitMax: len(three)}})
	release := make(chan struct{})
	s.answer = func(t msgType, payload []byte, size int, total *uint64) (msgType, []byte) {
		if *total == 0 {
			<-release
		}
		return respond(t, payload, size, total)
	}
	c := dial(t, addr)
	c.conn.Write(three)
	waitForConns(t, s, 1, 1)

	finished := startShutdown(s)
	close(release)
	for _, want := range []uint64{3, 6, 9} {
		if got := c.receive(); got != ack(want) {
			t.Errorf("got %v, want ACK %d", got, want)
		}
	}
	if _, _, err := readFrame(c.in, maxPayloadSize); err != io.EOF {
		t.Errorf("after the answers: %v, want EOF", err)
	}
	if !<-finished {
		t.Error("shutdown reported that the grace period ran out")
	}
}

// Shutdown loses no answer already written, even to a client that is
// still sending. The client pipelines ten frames; each of the server's
// reads takes one frame only, so when shutdown begins the server has read
// and answers the first, and nine are still unread in its socket. Closing
// a socket with unread bytes makes the kernel send a reset, which can
// destroy the answer on its way and ends the client's stream with an error.
// The server half-closes and drains instead: the client reads the answer
// to the one frame the server read, then the end of the stream, at a frame
// boundary.
func TestShutdownEndsAPipeliningClientsStreamAtAFrameBoundary(t *testing.T) {
	t.Parallel()
	one := encode(t, typeText, "abc")
	addr, _, s := startConfigured(t, defaultConfig, shape.Options{Read: shape.Rule{SplitMin: len(one), SplitMax: len(one)}})
	release := make(chan struct{})
	s.answer = func(t msgType, payload []byte, size int, total *uint64) (msgType, []byte) {
		<-release
		return respond(t, payload, size, total)
	}
	c := dial(t, addr)
	c.conn.Write(bytes.Repeat(one, 10))
	waitForConns(t, s, 1, 1)

	finished := startShutdown(s)
	close(release)
	if got := c.receive(); got != ack(3) {
		t.Errorf("got %v, want ACK 3: the answer to the one frame the server read", got)
	}
	if _, _, err := readFrame(c.in, maxPayloadSize); err != io.EOF {
		t.Errorf("after the last answer: %v, want EOF at a frame boundary", err)
	}
	c.conn.Close() // the server drains until this close, or for lingerTime
	if !<-finished {
		t.Error("shutdown reported that the grace period ran out")
	}
}

// startShutdown runs s.shutdown in the background and returns once it has
// begun: from then on, s answers what it has read and then closes. The
// result comes on the channel.
func startShutdown(s *server) <-chan bool {
	finished := make(chan bool, 1)
	go func() { finished <- s.shutdown() }()
	for stopping := false; !stopping; time.Sleep(time.Millisecond) {
		s.mu.Lock()
		stopping = s.stopping
		s.mu.Unlock()
	}
	return finished
}

// A frame that never completes does not hold shutdown up beyond the grace
// period.
func TestShutdownClosesWhatIsLeftWhenTheGracePeriodEnds(t *testing.T) {
	t.Parallel()
	cfg := defaultConfig
	cfg.grace = 100 * time.Millisecond
	addr, _, s := startConfigured(t, cfg, shape.Options{})
	stuck := dial(t, addr)
	stuck.conn.Write([]byte{0, 0, 0, 10, byte(typeText), 'a'}) // 1 of 10 bytes, forever
	waitForConns(t, s, 1, 1)
	if s.shutdown() {
		t.Error("shutdown reported a clean finish, but a frame was left incomplete")
	}
	if _, _, err := readFrame(stuck.in, maxPayloadSize); err == nil {
		t.Error("the stuck client got an answer; want its connection closed")
	}
}

// A panic while serving one connection closes that connection only.
func TestAPanicClosesOnlyItsConnection(t *testing.T) {
	t.Parallel()
	addr, logs, s := startConfigured(t, defaultConfig, shape.Options{})
	s.answer = func(t msgType, payload []byte, size int, total *uint64) (msgType, []byte) {
		if string(payload) == "boom" {
			panic("a bug in the handler")
		}
		return respond(t, payload, size, total)
	}
	other := dial(t, addr)
	if got := other.ask(typeText, "ab"); got != ack(2) {
		t.Fatalf("got %v, want ACK 2", got)
	}
	victim := dial(t, addr)
	victim.send(typeText, "boom")
	if _, _, err := readFrame(victim.in, maxPayloadSize); err != io.EOF {
		t.Errorf("the client that triggered the panic read %v, want EOF", err)
	}
	waitForLog(t, logs, `panic serving this connection, closing it: a bug in the handler\n(.|\n)*runtime/debug\.Stack`)
	if got := other.ask(typeText, "cd"); got != ack(4) {
		t.Errorf("the other client got %v after the panic, want ACK 4", got)
	}
	stillServes(t, addr)
}

// Beyond the cap, a newcomer is told so and closed; once a slot frees up,
// newcomers are served again.
func TestConnectionsBeyondTheCapAreRefusedWithAnError(t *testing.T) {
	t.Parallel()
	cfg := defaultConfig
	cfg.maxConns = 2
	addr, logs, _ := startConfigured(t, cfg, shape.Options{})
	first, second := dial(t, addr), dial(t, addr)
	for _, c := range []*client{first, second} {
		if got := c.ask(typeText, "hi"); got != ack(2) {
			t.Fatalf("got %v, want ACK 2", got)
		}
	}
	third := dial(t, addr)
	expectHangUp(t, third, "server busy: 2 connections is the limit")
	waitForLog(t, logs, `refused: already serving 2 connections`)
	if got := first.ask(typeText, "yo"); got != ack(4) {
		t.Errorf("a client within the cap got %v, want ACK 4", got)
	}

	// The server frees the slot when it sees the close, which happens in
	// its own time: keep knocking until a newcomer is served.
	second.conn.Close()
	waitForLog(t, logs, `connection closed cleanly`)
	for {
		c := dial(t, addr)
		got := c.ask(typeText, "ok")
		if got == ack(2) {
			break
		}
		if got.t != typeError || !strings.Contains(got.payload, "server busy") {
			t.Fatalf("a newcomer got %v", got)
		}
		c.conn.(*net.TCPConn).Close()
	}
}

// waitForConns waits until the server has accepted total connections and
// has read the first byte of a frame on busy of them. Shutdown treats the
// two kinds differently, so a test must know which is which before it
// starts one.
func waitForConns(t *testing.T, s *server, total, busy int) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(time.Millisecond) {
		s.mu.Lock()
		gotTotal, gotBusy := len(s.idle), 0
		for _, idle := range s.idle {
			if !idle {
				gotBusy++
			}
		}
		s.mu.Unlock()
		if gotTotal == total && gotBusy == busy {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections, %d inside a frame; want %d and %d", gotTotal, gotBusy, total, busy)
		}
	}
}

// failingListener fails its first Accepts with a made-up error, the way a
// real listener fails when the process runs out of file descriptors.
type failingListener struct {
	net.Listener
	failures chan struct{} // one token per Accept that should fail
}

var errTooManyFiles = errors.New("accept4: too many open files")

func (l *failingListener) Accept() (net.Conn, error) {
	select {
	case <-l.failures:
		return nil, errTooManyFiles
	default:
		return l.Listener.Accept()
	}
}

func TestAcceptErrorsAreRetriedNotFatal(t *testing.T) {
	t.Parallel()
	ln, err := nettest.NewLocalListener("tcp")
	if err != nil {
		t.Fatal(err)
	}
	failures := make(chan struct{}, 3)
	for range 3 {
		failures <- struct{}{}
	}
	logs := new(syncBuffer)
	s := newServer(defaultConfig, log.New(io.Discard, "", 0), log.New(logs, "", 0))
	done := make(chan error, 1)
	go func() { done <- s.serve(&failingListener{ln, failures}) }()
	t.Cleanup(func() {
		ln.Close()
		<-done
		s.shutdown()
	})

	stillServes(t, ln.Addr().String())
	for _, wait := range []string{"5ms", "10ms", "20ms"} {
		if want := "accept: accept4: too many open files; retrying in " + wait; !strings.Contains(logs.String(), want) {
			t.Errorf("server log lacks %q:\n%s", want, logs)
		}
	}
}

// A newcomer beyond the cap is told why and closed in the server's own
// time. Shutdown waits for that as for any connection, so the ERROR is not
// cut short when the process exits. The refused client stays silent, so
// the server is still lingering after its ERROR (see hangUp) when shutdown
// begins.
func TestShutdownWaitsForARefusedConnection(t *testing.T) {
	t.Parallel()
	ln, err := nettest.NewLocalListener("tcp")
	if err != nil {
		t.Fatal(err)
	}
	counting := &closeCountingListener{Listener: ln}
	cfg := defaultConfig
	cfg.maxConns = 1
	s := newServer(cfg, log.New(io.Discard, "", 0), log.New(io.Discard, "", 0))
	done := make(chan error, 1)
	go func() { done <- s.serve(counting) }()

	served := dial(t, ln.Addr().String())
	if got := served.ask(typeText, "hi"); got != ack(2) {
		t.Fatalf("got %v, want ACK 2", got)
	}
	refused := dial(t, ln.Addr().String())
	if got := refused.receive(); got != (frame{typeError, "server busy: 1 connections is the limit"}) {
		t.Fatalf("the newcomer got %v, want the busy ERROR", got)
	}
	ln.Close()
	<-done
	if !s.shutdown() {
		t.Error("shutdown reported that the grace period ran out")
	}
	if got := counting.closed.Load(); got != 2 {
		t.Errorf("when shutdown returned, the server had closed %d of its 2 connections; want both", got)
	}
}

// closeCountingListener counts the accepted connections the server has
// closed.
type closeCountingListener struct {
	net.Listener
	closed atomic.Int32
}

func (l *closeCountingListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countedConn{TCPConn: conn.(*net.TCPConn), closed: &l.closed}, nil
}

// countedConn is a *net.TCPConn, CloseWrite included, whose first Close is
// counted.
type countedConn struct {
	*net.TCPConn
	once   sync.Once
	closed *atomic.Int32
}

func (c *countedConn) Close() error {
	c.once.Do(func() { c.closed.Add(1) })
	return c.TCPConn.Close()
}
