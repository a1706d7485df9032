package soak

import (
	"net"
	"testing"
	"time"

	"bytestream/final/client"
)

// dialBounded connects a well-behaved client whose every read and write
// must be done by deadline, so a server that hangs fails the test instead
// of stalling it.
func dialBounded(addr string, deadline time.Time) (*client.Conn, error) {
	nc, err := net.DialTimeout("tcp", addr, mustFinish)
	if err != nil {
		return nil, err
	}
	nc.SetDeadline(deadline)
	return client.NewConn(nc), nil
}

// pingOnce checks that the server at addr answers a PING: the well-behaved
// client every hostile test ends with, to prove the server still serves.
func pingOnce(t *testing.T, addr string) {
	t.Helper()
	c, err := dialBounded(addr, time.Now().Add(mustFinish))
	if err != nil {
		t.Fatalf("well-behaved client: %v", err)
	}
	defer c.Close()
	if _, err := c.Ping([]byte("still there?")); err != nil {
		t.Fatalf("well-behaved client: %v", err)
	}
}
