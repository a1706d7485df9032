//go:build unix

package main

import (
	"syscall"
	"testing"
)

// TestOneSystemCallMayWriteLess shows what Go's Write protects us from.
// It makes one write(2) system call on the socket, which is what a C
// program's send() does. Go's sockets are non-blocking, like those of every
// event loop, so the call returns at once with only what fitted in the
// socket buffer. A C program must loop over send() until all is sent; Go's
// Write runs that loop for us.
func TestOneSystemCallMayWriteLess(t *testing.T) {
	t.Parallel()
	client, _ := loopbackPair(t)
	raw, err := client.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, bigWrite)
	var n int
	var writeErr error
	err = raw.Write(func(fd uintptr) bool {
		n, writeErr = syscall.Write(int(fd), data)
		return true // one call only, whatever it managed
	})
	if err != nil || writeErr != nil {
		t.Fatalf("write(2): %v, %v", err, writeErr)
	}
	if n <= 0 || n >= len(data) {
		t.Fatalf("one write(2) of %d bytes wrote %d; want a short count", len(data), n)
	}
	t.Logf("one write(2) of %d bytes wrote only %d", len(data), n)
}
