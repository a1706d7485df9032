//go:build !unix || aix

package server

import "net"

// newSocket returns nil where the server does not read file descriptors
// itself (AIX is Unix but its syscall package lacks MSG_DONTWAIT): every connection flushes before each read and keeps its buffers
// while idle, as a wrapped conn does on Unix (socket_unix.go).
func newSocket(net.Conn, func() error, func(), func() error) socketReader { return nil }
