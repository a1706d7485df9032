package servertest

import (
	"io"
	"sync"
	"testing"

	"golang.org/x/net/nettest"
)

// StartMute runs, for the length of one test, a server that accepts
// connections and reads everything they send without ever answering: the
// peer that hung `final client` and `final bench` before they had a
// -timeout. accepted receives a value per connection (while its buffer of
// 100 has room), so a test knows when its client has started waiting.
func StartMute(t testing.TB) (addr string, accepted <-chan struct{}) {
	t.Helper()
	l, err := nettest.NewLocalListener("tcp")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan struct{}, 100)
	var conns sync.WaitGroup
	conns.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			select {
			case got <- struct{}{}:
			default:
			}
			conns.Go(func() {
				defer c.Close()
				io.Copy(io.Discard, c)
			})
		}
	})
	t.Cleanup(func() { l.Close(); conns.Wait() })
	return l.Addr().String(), got
}
