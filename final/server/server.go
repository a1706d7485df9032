// Package server is ByteStream's TCP server: it speaks the protocol of
// docs/protocol.md to every client, fast and defensively.
//
// The API is shaped like net/http.Server: a Server struct whose zero value
// works, Serve or ListenAndServe to run it, Shutdown to stop it gracefully
// and Close to stop it at once. It logs through log/slog, and imports
// nothing outside the standard library but the protocol's own packages:
// how the log looks is the caller's choice (final/logging is the command
// line's).
//
//	srv := &server.Server{Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))}
//	go srv.ListenAndServe()
//	...
//	srv.Shutdown(ctx)
//
// Start reading at conn.go: one goroutine per connection reads a frame,
// answers it, and loops. network.go is the only place that waits for the
// client; it sets deadlines and flushes answers there, so frames that are
// already buffered cost neither a system call nor a clock read. linger.go
// is how a connection closes without losing its last answers, budget.go
// bounds the payload memory of all connections together, and log.go is
// what the server logs.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"bytestream/final/accept"
	"bytestream/final/frame"
)

// Defaults used when the corresponding Server field is zero.
const (
	DefaultAddr         = "127.0.0.1:9000"
	DefaultIdleTimeout  = 60 * time.Second
	DefaultFrameTimeout = 10 * time.Second
	DefaultWriteTimeout = 10 * time.Second
)

// ErrServerClosed is returned by Serve and ListenAndServe once Shutdown has
// been called.
var ErrServerClosed = errors.New("server: closed")

// Server serves ByteStream connections. Set its fields before calling Serve;
// they must not change afterwards.
type Server struct {
	// Addr is the TCP address ListenAndServe listens on; "" means
	// DefaultAddr.
	Addr string

	// MaxPayload is the largest payload accepted in one frame; a bigger
	// declared length is a framing error. 0 means frame.DefaultMaxPayload
	// (16 MiB).
	MaxPayload int

	// IdleTimeout closes a connection on which no frame has started for
	// this long. 0 means DefaultIdleTimeout.
	IdleTimeout time.Duration

	// FrameTimeout is how long a started frame may take to arrive
	// completely; a slower frame is a framing error. 0 means
	// DefaultFrameTimeout.
	FrameTimeout time.Duration

	// WriteTimeout closes a connection whose client stops reading its
	// answers. The deadline is renewed lazily, whenever it is less than
	// three quarters of WriteTimeout away, so a stalled client is dropped
	// between 0.75 and 1 times WriteTimeout after its last progress. 0 means
	// DefaultWriteTimeout.
	WriteTimeout time.Duration

	// PayloadBudget bounds the payload memory of the whole server: the
	// bytes that TEXT and PING frames larger than 64 KiB hold while they
	// are read and answered, across all connections. (DATA is counted, not
	// kept; smaller payloads use the connection's own buffer.) A frame that
	// would exceed it is skipped and answered with an ERROR ("server busy:
	// ..."), and the connection carries on: see docs/protocol.md. 0 means
	// DefaultPayloadBudget (128 MiB).
	PayloadBudget int

	// MaxConns limits how many connections are served at once; a client
	// beyond it gets an ERROR frame ("server busy: ..."), and the
	// connection is closed gently, as after a framing error, within about
	// a second. 0 means no limit.
	MaxConns int

	// Logger receives the server's diagnostics; nil means slog.Default().
	// Every line about a connection carries its number as the attribute
	// "conn". Warnings (slog.LevelWarn) are what went wrong for one client
	// (a framing error, at most ten message errors per connection and a
	// count of the rest), errors what went wrong in the server; each
	// frame and answer is logged at slog.LevelDebug, if the handler
	// enables it when the connection starts. A connection logs from its
	// own goroutine, so a handler that waits for a slow writer holds that
	// connection up: final/logging's Handler never waits.
	Logger *slog.Logger

	// ConnState, if not nil, is called when a connection changes state;
	// see ConnState. Tests use it to act at a precise moment, and it is
	// where metrics would hook in. It must not block or panic.
	ConnState func(net.Conn, ConnState)

	inShutdown atomic.Bool
	nextID     atomic.Uint64
	refusing   atomic.Int32 // refused connections still lingering

	payloadInUse atomic.Int64 // bytes of PayloadBudget taken: see budget.go

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*conn]struct{}
	done      chan struct{} // closed when Shutdown starts; wakes sleeping accept loops

	serving sync.WaitGroup // one per running Serve call
	active  sync.WaitGroup // one per connection goroutine, refusals included
}

// ListenAndServe listens on s.Addr and serves until Shutdown.
func (s *Server) ListenAndServe() error {
	if s.inShutdown.Load() {
		return ErrServerClosed
	}
	addr := s.Addr
	if addr == "" {
		addr = DefaultAddr
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(l)
}

// everyInterface notes an address that other machines can reach: "-addr
// :9000" reads like the default and logs as "[::]:9000", which a learner
// may not know means every interface.
func everyInterface(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok && t.IP.IsUnspecified() {
		return " (every interface: other machines can connect)"
	}
	return ""
}

// Serve accepts connections on l and serves each in its own goroutine. It
// logs "listening on ADDR" before the first Accept, so a log reader (or a
// script) can rely on that line coming before any connection's. Serve
// closes l when it returns; it returns ErrServerClosed after Shutdown, and
// otherwise the error that made Accept unusable.
func (s *Server) Serve(l net.Listener) error {
	defer l.Close()
	if !s.trackListener(l) {
		return ErrServerClosed
	}
	defer s.untrackListener(l)
	s.logger().Info("listening on " + l.Addr().String() + everyInterface(l.Addr()))

	var retry accept.Backoff
	for {
		nc, err := l.Accept()
		if err == nil {
			retry.Reset()
			s.start(nc)
			continue
		}
		if s.inShutdown.Load() {
			return ErrServerClosed
		}
		if accept.Fatal(err) {
			return err
		}
		// Running out of file descriptors, for one, passes: wait instead of
		// spinning, with the policy the lab's proxy shares.
		wait := retry.Next()
		s.logger().Error(fmt.Sprintf("accept: %v; retrying in %v", err, wait))
		if !s.sleep(wait) {
			return ErrServerClosed
		}
	}
}

// sleep waits for d, or until Shutdown starts; it reports whether the full
// time passed.
func (s *Server) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.doneChan():
		return false
	}
}

func (s *Server) doneChan() chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done == nil {
		s.done = make(chan struct{})
	}
	return s.done
}

func (s *Server) trackListener(l net.Listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inShutdown.Load() {
		return false
	}
	if s.listeners == nil {
		s.listeners = make(map[net.Listener]struct{})
	}
	s.listeners[l] = struct{}{}
	s.serving.Add(1)
	return true
}

func (s *Server) untrackListener(l net.Listener) {
	s.mu.Lock()
	delete(s.listeners, l)
	s.mu.Unlock()
	s.serving.Done()
}

// start registers a new connection and runs it, unless the server is
// shutting down or full.
func (s *Server) start(nc net.Conn) {
	id := s.nextID.Add(1)
	s.mu.Lock()
	if s.inShutdown.Load() {
		s.mu.Unlock()
		nc.Close()
		return
	}
	if s.MaxConns > 0 && len(s.conns) >= s.MaxConns {
		lingering := s.refusing.Add(1) <= maxRefusing
		if lingering {
			s.active.Add(1) // under s.mu, so Shutdown waits for it
		} else {
			s.refusing.Add(-1)
		}
		s.mu.Unlock()
		s.refuse(nc, id, lingering)
		return
	}
	c := newConn(s, nc, id)
	if s.conns == nil {
		s.conns = make(map[*conn]struct{})
	}
	s.conns[c] = struct{}{}
	s.active.Add(1)
	s.mu.Unlock()
	s.setState(nc, StateNew)
	go c.serve()
}

// maxRefusing bounds how many refused connections linger at once. Beyond
// it, a refusal writes its ERROR and closes at once, as it is cheaper to
// risk a reset than to let a flood of newcomers hold the file descriptors
// MaxConns is there to protect.
const maxRefusing = 64

// refuse tells a client beyond MaxConns why it is being closed, in its own
// goroutine so the accept loop goes on at once. It ends the connection as
// a framing error does: the ERROR, a half-close, a brief drain (linger),
// then close. A newcomer may have sent frames before it was accepted;
// closing with them unread would reset the connection, and a reset can
// destroy the ERROR before the client reads it. Unless lingering (start
// found maxRefusing refusals under way), it writes the ERROR and closes at
// once.
func (s *Server) refuse(nc net.Conn, id uint64, lingering bool) {
	// The text reads the same for every MaxConns: no plural to agree.
	msg := "server busy: the connection limit (" + strconv.Itoa(s.MaxConns) + ") is reached"
	newConnLog(s.logger(), id).Warnf("refused %s: %s", nc.RemoteAddr(), msg)
	errFrame := frame.AppendFrame(nil, frame.Error, []byte(msg))
	// A fresh socket's send buffer is empty, so this short write does not
	// wait; the deadline bounds it should it ever have to.
	nc.SetWriteDeadline(time.Now().Add(lingerTimeout))
	if !lingering {
		nc.Write(errFrame)
		nc.Close()
		return
	}
	go func() {
		defer s.active.Done()
		defer s.refusing.Add(-1)
		if _, err := nc.Write(errFrame); err == nil {
			linger(nc, lingerTimeout)
		}
		nc.Close()
	}()
}

func (s *Server) forget(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.active.Done()
}

func (s *Server) setState(nc net.Conn, state ConnState) {
	if s.ConnState != nil {
		s.ConnState(nc, state)
	}
}

// Shutdown stops the server gracefully: it closes the listeners, closes
// idle connections, and lets every other connection finish the frame it is
// reading, answer it and any frames already complete in its buffer, flush,
// and close once its client has its answers (see linger.go). No
// connection waits for a new frame once Shutdown has begun, so a client
// that keeps sending cannot hold the server up: it sees every frame the
// server read answered, then the end of the stream. If ctx ends first, the
// remaining connections are closed abruptly and ctx's error is returned,
// joined with any error from closing a listener. Either way, when Shutdown
// returns every connection goroutine has exited and every Serve call is
// returning. How long to wait is the caller's policy: the command line
// gives connections a grace period (final server -grace).
func (s *Server) Shutdown(ctx context.Context) error {
	closeErr, ctxErr := s.stop(ctx)
	return errors.Join(ctxErr, closeErr)
}

// stop is Shutdown, keeping apart the error of closing the listeners and
// that of ctx ending first.
func (s *Server) stop(ctx context.Context) (closeErr, ctxErr error) {
	s.mu.Lock()
	s.inShutdown.Store(true)
	if s.done == nil {
		s.done = make(chan struct{})
	}
	select {
	case <-s.done:
	default:
		close(s.done)
	}
	for l := range s.listeners {
		if err := l.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			closeErr = errors.Join(closeErr, err)
		}
	}
	for c := range s.conns {
		c.wakeIfIdle()
	}
	s.mu.Unlock()

	finished := make(chan struct{})
	go func() {
		s.active.Wait()
		s.serving.Wait()
		close(finished)
	}()
	select {
	case <-finished:
		return closeErr, nil
	case <-ctx.Done():
		forced := s.closeAll()
		<-finished
		if forced == 0 {
			// ctx ended while Serve was still returning, with no
			// connection left to cut short: nothing was forced.
			return closeErr, nil
		}
		return closeErr, ctx.Err()
	}
}

// Close closes the listeners and every connection at once, without
// answering what is in progress: Shutdown with no time to finish. It
// returns once every connection goroutine has ended, with the error of
// closing a listener, if any. Serve calls return ErrServerClosed.
func (s *Server) Close() error {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	closeErr, _ := s.stop(ctx)
	return closeErr
}

// closeAll ends every connection now, and returns how many there were;
// their goroutines see the error and exit.
func (s *Server) closeAll() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.nc.Close()
	}
	return len(s.conns)
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
