package server

import (
	"net"
	"syscall"
	"unsafe"
)

// unsent reports how many bytes nc's kernel still holds in its send queue,
// sent or not, that the client's kernel has not acknowledged (SIOCOUTQ):
// once it is 0, every answer has reached the client's machine, and a reset
// can no longer take it back. ok is false if nc is not a TCP socket.
func unsent(nc net.Conn) (n int, ok bool) {
	tc, isTCP := nc.(*net.TCPConn)
	if !isTCP {
		return 0, false
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return 0, false
	}
	var queued int32
	var errno syscall.Errno
	if err := raw.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCOUTQ, uintptr(unsafe.Pointer(&queued)))
	}); err != nil || errno != 0 {
		return 0, false
	}
	return int(queued), true
}
