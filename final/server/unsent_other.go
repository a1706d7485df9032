//go:build !linux

package server

import "net"

// unsent cannot see a socket's send queue here: the linger falls back to
// its fixed lingerTimeout (see linger.go).
func unsent(net.Conn) (int, bool) { return 0, false }
