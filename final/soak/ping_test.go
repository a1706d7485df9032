package soak

import (
	"context"
	"testing"

	"bytestream/final/client"
)

// pingOnce checks that the server at addr answers a PING: the well-behaved
// client every hostile test ends with, to prove the server still serves.
func pingOnce(t *testing.T, addr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), mustFinish)
	defer cancel()
	c, err := client.Dial(ctx, addr)
	if err != nil {
		t.Fatalf("well-behaved client: %v", err)
	}
	defer c.Close()
	if _, err := c.Ping([]byte("still there?")); err != nil {
		t.Fatalf("well-behaved client: %v", err)
	}
}
