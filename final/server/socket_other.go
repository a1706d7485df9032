//go:build !unix

package server

import "net"

// newSocket returns nil where the server does not read file descriptors
// itself: every connection flushes before each read and keeps its buffers
// while idle, as a wrapped conn does on Unix (socket_unix.go).
func newSocket(net.Conn, func() error, func()) socketReader { return nil }
