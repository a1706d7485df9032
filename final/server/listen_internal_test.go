package server

import (
	"net"
	"testing"
)

// A server listening on every interface says so; loopback stays quiet.
// (Tests never listen beyond loopback, so the address is made, not bound.)
func TestTheListeningLineSaysWhenEveryInterfaceIsOpen(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"[::]:9000":      " (every interface: other machines can connect)",
		"0.0.0.0:9000":   " (every interface: other machines can connect)",
		"127.0.0.1:9000": "",
		"[::1]:9000":     "",
	} {
		a, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := everyInterface(a); got != want {
			t.Errorf("everyInterface(%s) = %q, want %q", addr, got, want)
		}
	}
}
