package server_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/net/nettest"

	"bytestream/final/client"
	"bytestream/final/frame"
	"bytestream/final/server"
	"bytestream/final/server/servertest"
	"bytestream/lab/shape"
)

// TestMain fails the package if any goroutine outlives the tests: every
// test shuts its server down, and Shutdown must leave nothing behind.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestTextIsAcknowledgedWithARunningTotal(t *testing.T) {
	t.Parallel()
	rs := start(t, &server.Server{})
	c := dial(t, rs.addr)
	for _, want := range []struct {
		text  string
		total uint64
	}{{"hello", 5}, {"world", 10}} {
		total, err := c.Text(want.text)
		if err != nil || total != want.total {
			t.Fatalf("Text(%q) = %d, %v; want %d", want.text, total, err, want.total)
		}
	}
}

func TestTwoHundredConcurrentClientsKeepTheirOwnTotals(t *testing.T) {
	t.Parallel()
	rs := start(t, &server.Server{})
	const clients, frames = 200, 20
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := range clients {
		wg.Go(func() {
			c, err := client.Dial(context.Background(), rs.addr)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			// Client i sends i+1 bytes per frame, so a total that leaked
			// between connections would show.
			payload := make([]byte, i+1)
			for f := range frames {
				total, err := c.Data(payload)
				if want := uint64((f + 1) * (i + 1)); err != nil || total != want {
					errs <- fmt.Errorf("client %d frame %d: total %d, %v; want %d", i, f, total, err, want)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestStreamCutIntoPiecesIsReadExactly(t *testing.T) {
	t.Parallel()
	// The server's reads return 1 to 7 bytes at a time (seeded), so frames
	// and headers are split at every kind of offset. (A read waits for its
	// whole piece, so the client half-closes at the end to release the
	// last one.)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	shaped := shape.WrapListener(l, shape.Options{Read: shape.Rule{SplitMin: 1, SplitMax: 7}, Seed: 42})
	c := dial(t, servertest.Serve(t, &server.Server{}, shaped))
	go func() {
		for i := range 200 {
			c.Send(frame.Text, []byte(strings.Repeat("x", i%13)))
			c.Send(frame.Ping, []byte{byte(i)})
		}
		c.CloseWrite()
	}()
	var want uint64
	for i := range 200 {
		want += uint64(i % 13)
		h, p, err := c.Receive()
		if err != nil || h.Type != frame.Ack {
			t.Fatalf("answer %d: %v %v", i, h.Type, err)
		}
		if total, _ := frame.AckTotal(p); total != want {
			t.Fatalf("answer %d: ACK %d, want %d", i, total, want)
		}
		if h, p, err = c.Receive(); err != nil || h.Type != frame.Pong || p[0] != byte(i) {
			t.Fatalf("answer %d: %v % x %v, want PONG %02x", i, h.Type, p, err, byte(i))
		}
	}
	if _, _, err := c.Receive(); !errors.Is(err, io.EOF) {
		t.Fatalf("after the last answer: %v, want EOF", err)
	}
}

func TestClientSeesServerErrorsAsServerError(t *testing.T) {
	t.Parallel()
	rs := start(t, &server.Server{})
	c := dial(t, rs.addr)
	_, err := c.Text("\xff")
	var serr *client.ServerError
	if !errors.As(err, &serr) || !strings.Contains(serr.Text, "UTF-8") {
		t.Fatalf("Text of invalid UTF-8: %v, want a *client.ServerError about UTF-8", err)
	}
	if total, err := c.Text("ok"); err != nil || total != 2 {
		t.Fatalf("after the ERROR: %d, %v; want 2", total, err)
	}
}

func TestLogTellsTheConnectionsStory(t *testing.T) {
	t.Parallel()
	rs := start(t, &server.Server{})
	c := dial(t, rs.addr)
	c.Text("hello")
	c.Ping([]byte("12345678"))
	c.CloseWrite()
	if _, _, err := c.Receive(); !errors.Is(err, io.EOF) {
		t.Fatalf("after CloseWrite: %v, want EOF", err)
	}
	rs.waitLog(t, `(?s)listening on 127\.0\.0\.1:\d+\n`+
		`.*\[conn 1\] connected from 127\.0\.0\.1:\d+\n`+
		`.*\[conn 1\] ← TEXT 5B "hello"\n`+
		`.*\[conn 1\] → ACK 5\n`+
		`.*\[conn 1\] ← PING 8B\n`+
		`.*\[conn 1\] → PONG 8B\n`+
		`.*\[conn 1\] closed: client closed its side; 2 frames in \(23 B\), 2 answers, ACK total 5, `)
}

// stateWatcher records connection states for the Shutdown tests.
type stateWatcher struct {
	states chan server.ConnState
}

func newStateWatcher() *stateWatcher {
	return &stateWatcher{states: make(chan server.ConnState, 100)}
}

func (w *stateWatcher) hook(_ net.Conn, s server.ConnState) { w.states <- s }

// await waits for the connection to reach state s.
func (w *stateWatcher) await(t *testing.T, s server.ConnState) {
	t.Helper()
	timeout := time.After(mustFinish)
	for {
		select {
		case got := <-w.states:
			if got == s {
				return
			}
		case <-timeout:
			t.Fatalf("connection never became %v", s)
		}
	}
}

func TestShutdownLetsAFrameInProgressFinishAndBeAnswered(t *testing.T) {
	t.Parallel()
	watch := newStateWatcher()
	rs := start(t, &server.Server{ConnState: watch.hook})
	nc := dialRaw(t, rs.addr)
	send(t, nc, encode(typeText, []byte("hello")))
	expectAck(t, nc, 5)
	// Idle before "hello", active with it, idle again after.
	watch.await(t, server.StateIdle)
	watch.await(t, server.StateActive)
	watch.await(t, server.StateIdle)

	// Half a frame arrives, then the shutdown begins.
	wire := encode(typeText, []byte("world"))
	send(t, nc, wire[:7])
	watch.await(t, server.StateActive)
	shutdown := make(chan error, 1)
	go func() { shutdown <- rs.srv.Shutdown(context.Background()) }()
	select {
	case err := <-shutdown:
		t.Fatalf("Shutdown returned %v while a frame was still arriving", err)
	case <-time.After(50 * time.Millisecond):
	}

	// The rest of the frame: it is answered, then the connection closes.
	send(t, nc, wire[7:])
	expectAck(t, nc, 10)
	expectClosed(t, nc)
	if err := <-shutdown; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	rs.waitLog(t, `\[conn 1\] closed: server shutting down; 2 frames in`)
}

func TestShutdownAnswersEveryFrameItReadThoughTheClientKeepsSending(t *testing.T) {
	t.Parallel()
	rs := start(t, &server.Server{})
	c := dial(t, rs.addr)
	// The client pipelines DATA as fast as it can and does not stop for
	// the shutdown. The server must still end promptly, without needing
	// Shutdown's context, and every frame it read must have its answer
	// delivered: the client's last ACK equals the total the server logs.
	const size = 100
	go func() {
		payload := make([]byte, size)
		for {
			for range 16 {
				if c.Send(frame.Data, payload) != nil {
					return
				}
			}
			if c.Flush() != nil {
				return // the server has closed
			}
		}
	}()
	var last uint64
	receive := func() error {
		h, p, err := c.Receive()
		if err != nil {
			return err
		}
		total, _ := frame.AckTotal(p)
		if h.Type != frame.Ack || total != last+size {
			t.Fatalf("after ACK %d came %s %d, want ACK %d", last, h.Type, total, last+size)
		}
		last = total
		return nil
	}
	for range 1000 {
		if err := receive(); err != nil {
			t.Fatal(err)
		}
	}
	shutdown := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), mustFinish)
		defer cancel()
		shutdown <- rs.srv.Shutdown(ctx)
	}()
	var err error
	for err == nil {
		err = receive()
	}
	if !errors.Is(err, io.EOF) {
		t.Fatalf("after ACK %d: %v, want the end of the stream", last, err)
	}
	if err := <-shutdown; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	rs.waitLog(t, fmt.Sprintf(`closed: server shutting down; .* ACK total %d, `, last))
}

func TestShutdownClosesIdleConnectionsAtOnce(t *testing.T) {
	t.Parallel()
	watch := newStateWatcher()
	rs := start(t, &server.Server{ConnState: watch.hook, IdleTimeout: time.Hour})
	c := dial(t, rs.addr)
	if _, err := c.Text("hi"); err != nil {
		t.Fatal(err)
	}
	watch.await(t, server.StateIdle)
	ctx, cancel := context.WithTimeout(context.Background(), mustFinish)
	defer cancel()
	if err := rs.srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown with an idle connection: %v", err)
	}
	if _, _, err := c.Receive(); !errors.Is(err, io.EOF) {
		t.Fatalf("idle client after Shutdown: %v, want EOF", err)
	}
	if _, err := net.DialTimeout("tcp", rs.addr, mustFinish); err == nil {
		t.Fatal("the server still accepts connections after Shutdown")
	}
}

func TestShutdownGivesUpWhenItsContextEnds(t *testing.T) {
	t.Parallel()
	watch := newStateWatcher()
	rs := start(t, &server.Server{ConnState: watch.hook})
	nc := dialRaw(t, rs.addr)
	send(t, nc, []byte{0, 0}) // a frame that never completes
	watch.await(t, server.StateActive)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := rs.srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v, want context.DeadlineExceeded", err)
	}
	expectClosed(t, nc)
}

// With no connection open, a grace period too short for Serve to return
// (final server -grace 1ns) cut nothing short: "shutdown forced" and exit
// status 1 were false alarms.
func TestShutdownWithNoConnectionsIsCleanHoweverShortItsContext(t *testing.T) {
	t.Parallel()
	rs := start(t, &server.Server{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := rs.srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown with no connections and an ended context = %v, want nil", err)
	}
}

func TestCloseEndsAFrameInProgressAtOnce(t *testing.T) {
	t.Parallel()
	watch := newStateWatcher()
	rs := start(t, &server.Server{ConnState: watch.hook})
	nc := dialRaw(t, rs.addr)
	send(t, nc, encode(typeText, []byte("hello"))[:7]) // half a frame
	watch.await(t, server.StateActive)
	// Shutdown would wait for the rest of the frame; Close does not.
	if err := rs.srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	var b [1]byte
	if n, err := nc.Read(b[:]); n != 0 || err == nil {
		t.Fatalf("after Close the client read %d bytes, %v; want the connection gone", n, err)
	}
	if _, err := net.DialTimeout("tcp", rs.addr, mustFinish); err == nil {
		t.Fatal("the server still accepts connections after Close")
	}
}

func TestServeAfterShutdownReturnsErrServerClosed(t *testing.T) {
	t.Parallel()
	srv := &server.Server{}
	srv.Shutdown(context.Background())
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Serve(l); !errors.Is(err, server.ErrServerClosed) {
		t.Fatalf("Serve after Shutdown = %v, want ErrServerClosed", err)
	}
	if err := srv.ListenAndServe(); !errors.Is(err, server.ErrServerClosed) {
		t.Fatalf("ListenAndServe after Shutdown = %v, want ErrServerClosed", err)
	}
}

func TestAPanicInOneConnectionIsRecoveredAndLogged(t *testing.T) {
	t.Parallel()
	var once sync.Once
	rs := start(t, &server.Server{ConnState: func(_ net.Conn, s server.ConnState) {
		if s == server.StateActive {
			once.Do(func() { panic("boom") })
		}
	}})
	first := dial(t, rs.addr)
	if _, err := first.Text("hi"); err == nil {
		t.Fatal("the panicking connection answered")
	}
	rs.waitLog(t, `\[conn 1\] error: panic: boom; connection closed\n(?s).*goroutine`)
	second := dial(t, rs.addr)
	if total, err := second.Text("still here"); err != nil || total != 10 {
		t.Fatalf("after a panic elsewhere: %d, %v", total, err)
	}
}

func TestAcceptErrorsBackOffAndServingContinues(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rs := &running{srv: &server.Server{}, log: &syncBuffer{}}
	rs.srv.Logger = logTo(t, rs.log, slog.LevelInfo)
	rs.addr = servertest.Serve(t, rs.srv, servertest.FailAccepts(l, 4))

	c := dial(t, rs.addr)
	if total, err := c.Text("hi"); err != nil || total != 2 {
		t.Fatalf("after accept errors: %d, %v", total, err)
	}
	for _, wait := range []string{"5ms", "10ms", "20ms", "40ms"} {
		rs.waitLog(t, `error: accept: accept tcp: accept4: too many open files; retrying in `+wait+`\n`)
	}
}

func TestMaxConnsRefusesTheClientBeyondTheLimit(t *testing.T) {
	t.Parallel()
	rs := start(t, &server.Server{MaxConns: 1})
	first := dial(t, rs.addr)
	if _, err := first.Text("in"); err != nil {
		t.Fatal(err)
	}
	second := dialRaw(t, rs.addr)
	expectError(t, second, "server busy: the connection limit (1) is reached")
	expectClosed(t, second)

	first.Close()
	// Once the first connection is gone, there is room again. The slot
	// frees when its goroutine ends, after the StateClosed report and the
	// close line, so no event marks the moment: retry, boundedly.
	deadline := time.Now().Add(mustFinish)
	for {
		c := dial(t, rs.addr)
		if _, err := c.Text("in"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no room after the first connection closed")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// gatedListener accepts one connection per token sent on gate, so a test
// can let a client connect and write before the server sees it.
type gatedListener struct {
	net.Listener
	gate   chan struct{}
	closed sync.Once
}

func (l *gatedListener) Accept() (net.Conn, error) {
	<-l.gate
	return l.Listener.Accept()
}

func (l *gatedListener) Close() error {
	l.closed.Do(func() { close(l.gate) }) // a pending Accept returns with the listener's error
	return l.Listener.Close()
}

func TestMaxConnsRefusalSurvivesANewcomerThatWritesFirst(t *testing.T) {
	t.Parallel()
	l, err := nettest.NewLocalListener("tcp")
	if err != nil {
		t.Fatal(err)
	}
	gl := &gatedListener{Listener: l, gate: make(chan struct{}, 2)}
	addr := servertest.Serve(t, &server.Server{MaxConns: 1, Logger: quiet}, gl)
	gl.gate <- struct{}{}
	first := dial(t, addr)
	if _, err := first.Text("in"); err != nil {
		t.Fatal(err)
	}
	// The newcomer's frame is in the server's socket before the server
	// accepts it. Closing with it unread would reset the connection: the
	// client would read the ERROR, then "connection reset by peer" (or,
	// on Windows, lose the ERROR too), not the end of the stream.
	second := dialRaw(t, addr)
	send(t, second, encode(typeText, []byte("hello")))
	gl.gate <- struct{}{}
	expectError(t, second, "server busy: the connection limit (1) is reached")
	expectClosed(t, second)
}

func TestAFrameBeyondThePayloadBudgetIsRefusedAndTheConnectionKept(t *testing.T) {
	t.Parallel()
	const big = 80 << 10 // over the 64 KiB read without the budget
	rs := start(t, &server.Server{PayloadBudget: 300 << 10})
	// The holder sends a TEXT and starts a big PING in one write, then
	// stops halfway: the PING holds 240 KiB of the 300 KiB budget (three times its length)
	// until the rest arrives. The server flushes the TEXT's ACK only when
	// its read would wait, inside that payload: so once the ACK is here,
	// the budget is taken.
	holder := dialRaw(t, rs.addr)
	ping := encode(typePing, bytes.Repeat([]byte{'h'}, big))
	send(t, holder, encode(typeText, []byte("x")), ping[:len(ping)/2])
	expectAck(t, holder, 1)

	other := dialRaw(t, rs.addr)
	otherPing := encode(typePing, bytes.Repeat([]byte{'o'}, big))
	send(t, other, otherPing)
	expectError(t, other, "server busy: a 81920-byte payload does not fit the payload memory budget (300 KiB) now; retry later")
	// The refused frame was skipped whole: the connection carries on.
	send(t, other, encode(typeText, []byte("still here")))
	expectAck(t, other, 10)

	// Once the holder's frame is answered, its budget is free again.
	send(t, holder, ping[len(ping)/2:])
	if f := readRaw(t, holder); f.typ != typePong || !bytes.Equal(f.payload, ping[5:]) {
		t.Fatalf("holder got type 0x%02x, want its PONG", f.typ)
	}
	send(t, holder, encode(typeText, []byte("y"))) // answered after the PING's budget is given back
	expectAck(t, holder, 2)
	send(t, other, otherPing)
	if f := readRaw(t, other); f.typ != typePong {
		t.Fatalf("after the budget freed: type 0x%02x %q, want PONG", f.typ, f.payload)
	}
}

func TestAClientThatStopsReadingIsClosedAfterTheWriteTimeout(t *testing.T) {
	t.Parallel()
	rs := start(t, &server.Server{WriteTimeout: 100 * time.Millisecond})
	nc := dialRaw(t, rs.addr)
	// PINGs whose PONGs nobody reads: the socket buffers fill, the
	// server's write blocks, and the write timeout ends the connection.
	ping := encode(typePing, make([]byte, 64<<10))
	for {
		if _, err := nc.Write(ping); err != nil {
			break
		}
	}
	rs.waitLog(t, `closed: client stopped reading: write timeout after 100ms`)
}
