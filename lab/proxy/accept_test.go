package proxy

import (
	"errors"
	"strings"
	"testing"

	"bytestream/final/server/servertest"
)

// The proxy used to retry only timeouts and stop serving on anything else,
// such as a moment without file descriptors; it now pauses and retries as
// the server does (package bytestream/final/accept).
func TestAcceptErrorsBackOffAndProxyingContinues(t *testing.T) {
	t.Parallel()
	u := startUpstream(t, "pong")
	var log writes
	p := New(Config{Upstream: u.ln.Addr().String(), Log: NewLogger(&log, LogOptions{Stable: true})})
	ln := servertest.FailAccepts(listen(t), 3)
	served := make(chan error, 1)
	go func() { served <- p.Serve(ln) }()

	if got := exchange(t, ln.Addr().String(), 0, "ping"); got != "pong" {
		t.Fatalf("after accept errors the proxy answered %q; want pong", got)
	}
	p.Close()
	if err := <-served; !errors.Is(err, ErrClosed) {
		t.Fatalf("Serve after Close = %v; want ErrClosed", err)
	}
	for _, wait := range []string{"5ms", "10ms", "20ms"} {
		want := "lab proxy: accept: accept tcp: accept4: too many open files; retrying in " + wait + "\n"
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
}
