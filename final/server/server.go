// Package server is ByteStream's TCP server: it speaks the protocol of
// docs/protocol.md to every client, fast and defensively.
//
// The API is shaped like net/http.Server: a Server struct whose zero value
// works, Serve or ListenAndServe to run it, Shutdown to stop it gracefully.
//
//	srv := &server.Server{Logger: logging.New(os.Stderr, logging.Auto)}
//	go srv.ListenAndServe()
//	...
//	srv.Shutdown(ctx)
//
// Start reading at conn.go: one goroutine per connection reads a frame,
// answers it, and loops. network.go is the only place that waits for the
// client; it sets deadlines and flushes answers there, so frames that are
// already buffered cost neither a system call nor a clock read.
package server

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"bytestream/final/frame"
	"bytestream/final/logging"
)

// Defaults used when the corresponding Server field is zero.
const (
	DefaultAddr          = "127.0.0.1:9000"
	DefaultIdleTimeout   = 60 * time.Second
	DefaultFrameTimeout  = 10 * time.Second
	DefaultWriteTimeout  = 10 * time.Second
	DefaultShutdownGrace = 5 * time.Second
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

	// ShutdownGrace is how long GracefulShutdown lets connections finish.
	// 0 means DefaultShutdownGrace.
	ShutdownGrace time.Duration

	// Logger receives the server's diagnostics; nil logs nothing. Per-frame
	// lines appear when the Logger is verbose (Logger.SetVerbose).
	Logger *logging.Logger

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
	s.Logger.Printf("listening on %s", l.Addr())

	var backoff time.Duration
	for {
		nc, err := l.Accept()
		if err == nil {
			backoff = 0
			s.start(nc)
			continue
		}
		if s.inShutdown.Load() {
			return ErrServerClosed
		}
		if errors.Is(err, net.ErrClosed) {
			return err
		}
		// Running out of file descriptors, for one, passes: wait instead of
		// spinning, like net/http (5 ms doubling to 1 s).
		backoff = nextBackoff(backoff)
		s.Logger.Errorf("accept: %v; retrying in %v", err, backoff)
		if !s.sleep(backoff) {
			return ErrServerClosed
		}
	}
}

func nextBackoff(d time.Duration) time.Duration {
	if d == 0 {
		return 5 * time.Millisecond
	}
	return min(2*d, time.Second)
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
	msg := "server busy: " + strconv.Itoa(s.MaxConns) + " connections is the limit"
	s.Logger.Conn(id).Warnf("refused %s: %s", nc.RemoteAddr(), msg)
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
// and close. No connection waits for a new frame once Shutdown has begun,
// so a client that keeps sending cannot hold the server up: it sees every
// frame the server read answered, then the end of the stream. If ctx ends first, the remaining connections are closed
// abruptly and ctx's error is returned. Either way, when Shutdown returns
// every connection goroutine has exited and every Serve call is returning.
func (s *Server) Shutdown(ctx context.Context) error {
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
		l.Close()
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
		return nil
	case <-ctx.Done():
		s.closeAll()
		<-finished
		return ctx.Err()
	}
}

// GracefulShutdown is Shutdown with ShutdownGrace as the time limit: what
// the command line does on SIGINT or SIGTERM.
func (s *Server) GracefulShutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), orDefault(s.ShutdownGrace, DefaultShutdownGrace))
	defer cancel()
	return s.Shutdown(ctx)
}

// closeAll ends every connection now; their goroutines see the error and
// exit.
func (s *Server) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.nc.Close()
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
