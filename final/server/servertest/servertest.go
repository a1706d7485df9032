// Package servertest runs a final server on a free loopback port for the
// length of one test, the way net/http/httptest does for HTTP:
//
//	addr := servertest.Start(t, &server.Server{})
//	c, err := client.Dial(ctx, addr)
//
// When the test ends the server is shut down, and the test fails if the
// shutdown did not complete or Serve ended any other way than with
// server.ErrServerClosed.
//
// Start with Start. Serve does the same on a listener the test made itself
// (one that shapes what it accepts, or FailAccepts), and StartMute (mute.go) is
// the opposite of a server: a peer that accepts and reads but never
// answers, for testing a client's timeouts.
package servertest

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/nettest"

	"bytestream/final/server"
)

// shutdownTimeout bounds the shutdown at the end of a test: generous for
// a loaded two-core CI machine, where a test's connections have all been
// closed by then and shutting down is normally instant.
const shutdownTimeout = 20 * time.Second

// Start serves srv on a fresh loopback listener until the test ends, and
// returns the address to dial. A srv without a Logger logs nothing (a nil
// Logger would mean slog's default, on stderr).
func Start(t testing.TB, srv *server.Server) string {
	t.Helper()
	l, err := nettest.NewLocalListener("tcp")
	if err != nil {
		t.Fatal(err)
	}
	return Serve(t, srv, l)
}

// Serve is Start on a listener the test made itself, such as one that
// shapes or fails what it accepts. It returns l's address.
func Serve(t testing.TB, srv *server.Server, l net.Listener) string {
	t.Helper()
	if srv.Logger == nil {
		srv.Logger = slog.New(slog.DiscardHandler)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		// A test may have shut the server down itself; a second Shutdown
		// then returns at once.
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown at the end of the test: %v", err)
		}
		select {
		case err := <-served:
			if !errors.Is(err, server.ErrServerClosed) {
				t.Errorf("Serve returned %v, want server.ErrServerClosed", err)
			}
		case <-ctx.Done():
			t.Error("Serve did not return after Shutdown")
		}
	})
	return l.Addr().String()
}

// FailAccepts wraps l so that its first n Accept calls fail the way a
// listener out of file descriptors does (EMFILE): not a timeout, and the
// listener stays usable. It tests an accept loop's retry policy
// (package final/accept) in the server and in the lab's proxy alike.
func FailAccepts(l net.Listener, n int) net.Listener {
	return &failingListener{Listener: l, fails: n}
}

type failingListener struct {
	net.Listener
	mu    sync.Mutex
	fails int
}

func (l *failingListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	fail := l.fails > 0
	if fail {
		l.fails--
	}
	l.mu.Unlock()
	if fail {
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}
