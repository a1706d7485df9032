package server_test

import (
	"io"
	"net"
	"runtime"
	"testing"

	"bytestream/final/frame"
	"bytestream/final/server"
)

// The server's speed is benchmarked beside raw TCP in final/bench
// (BenchmarkPingRoundTrip, BenchmarkPipelinedData, and BenchmarkServerFrame
// for allocs/op per frame). What only this package can tell is what an idle
// connection costs:
//
//	go test -run '^$' -bench IdleConnMemory ./final/server

// BenchmarkIdleConnMemory reports what one idle connection costs: heap and
// goroutine stack, measured across b.N connections that sent one frame and
// then went quiet. (The client ends' sockets are counted too, so this is a
// slight overestimate.)
func BenchmarkIdleConnMemory(b *testing.B) {
	rs := start(b, &server.Server{Logger: quiet})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	conns := make([]net.Conn, b.N)
	ping := frame.AppendFrame(nil, frame.Ping, []byte("12345678"))
	answer := make([]byte, len(ping))
	for i := range conns {
		nc, err := net.Dial("tcp", rs.addr)
		if err != nil {
			b.Fatal(err)
		}
		defer nc.Close()
		if _, err := nc.Write(ping); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(nc, answer); err != nil {
			b.Fatal(err)
		}
		conns[i] = nc
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	used := (after.HeapInuse + after.StackInuse) - (before.HeapInuse + before.StackInuse)
	b.ReportMetric(float64(used)/float64(b.N), "bytes/conn")
}
