package cli

import (
	"net"
	"testing"
)

// A proxy whose upstream is its own address dialled itself once per
// connection it accepted, 10,000 times for one client, until the file
// descriptors ran out. (Tests never listen on a fixed port or beyond
// loopback, so the listening addresses here are made, not bound.)
func TestAProxyForwardingToItselfIsFound(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		listen, upstream string
		self             bool
	}{
		{"127.0.0.1:9001", "127.0.0.1:9001", true},
		{"[::]:9001", "127.0.0.1:9001", true},
		{"0.0.0.0:9001", ":9001", true},
		{"127.0.0.1:9001", "127.0.0.1:9000", false},
		{"127.0.0.1:9001", "127.0.0.2:9001", false},
		{"[::1]:9001", "127.0.0.1:9001", false},
	} {
		l, err := net.ResolveTCPAddr("tcp", tc.listen)
		if err != nil {
			t.Fatal(err)
		}
		if got := isSelf(l, tc.upstream); got != tc.self {
			t.Errorf("listening on %s, -upstream %s: isSelf = %v, want %v", tc.listen, tc.upstream, got, tc.self)
		}
	}
}
