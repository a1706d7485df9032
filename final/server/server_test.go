package server_test

import (
	"testing"

	"bytestream/final/server"
)

func TestTextIsAcknowledgedWithARunningTotal(t *testing.T) {
	t.Parallel()
	rs := start(t, &server.Server{})
	c := dial(t, rs.addr)
	for _, want := range []struct {
		text  string
		total uint64
	}{{"hello", 5}, {"world", 10}} {
		total, err := c.Text(want.text)
		if err != nil || total != want.total {
			t.Fatalf("Text(%q) = %d, %v; want %d", want.text, total, err, want.total)
		}
	}
}
