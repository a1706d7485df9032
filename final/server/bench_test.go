package server_test

import (
	"io"
	"net"
	"runtime"
	"testing"

	"bytestream/final/frame"
	"bytestream/final/logging"
	"bytestream/final/server"
)

// These benchmarks drive a real server over loopback. Their allocs/op is
// the server's and the client's together, per frame: 0 means neither
// allocates in steady state.
//
//	go test -run '^$' -bench . -benchmem ./final/server

// benchServer starts a server that logs connections but not frames, as
// `final server` does without -v.
func benchServer(b *testing.B) net.Conn {
	b.Helper()
	rs := start(b, &server.Server{Logger: logging.New(io.Discard, logging.Never)})
	nc, err := net.Dial("tcp", rs.addr)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { nc.Close() })
	return nc
}

// pipeline sends n copies of one encoded frame in large writes from a
// second goroutine while this one reads and checks the n answers.
func pipeline(b *testing.B, nc net.Conn, t frame.Type, payload []byte, want frame.Type) {
	one := frame.AppendFrame(nil, t, payload)
	perChunk := max(1, (64<<10)/len(one))
	var chunk []byte
	for range perChunk {
		chunk = append(chunk, one...)
	}
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	b.ResetTimer()
	errc := make(chan error, 1)
	go func() {
		left := b.N
		for left > 0 {
			k := min(left, perChunk)
			if _, err := nc.Write(chunk[:k*len(one)]); err != nil {
				errc <- err
				return
			}
			left -= k
		}
		errc <- nil
	}()
	r := frame.NewReaderSize(nc, 64<<10)
	for i := range b.N {
		h, err := r.ReadHeader()
		if err == nil && h.Type != want {
			b.Fatalf("answer %d is %s, want %s", i, h.Type, want)
		}
		if err == nil {
			_, err = r.DiscardPayload()
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if err := <-errc; err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}

func BenchmarkPipelinedData64B(b *testing.B) {
	pipeline(b, benchServer(b), frame.Data, make([]byte, 64), frame.Ack)
}

func BenchmarkPipelinedPing64B(b *testing.B) {
	pipeline(b, benchServer(b), frame.Ping, make([]byte, 64), frame.Pong)
}

func BenchmarkData1MiB(b *testing.B) {
	pipeline(b, benchServer(b), frame.Data, make([]byte, 1<<20), frame.Ack)
}

// BenchmarkPingPong is one PING at a time: its ns/op is the round trip.
func BenchmarkPingPong(b *testing.B) {
	nc := benchServer(b)
	w := frame.NewWriter(nc)
	r := frame.NewReader(nc)
	payload := make([]byte, 8)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		w.WriteFrame(frame.Ping, payload)
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		if _, _, err := r.ReadFrame(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawPingPong is the same exchange against a bare echo of 13
// bytes, with no protocol at all: the floor BenchmarkPingPong is compared
// with.
func BenchmarkRawPingPong(b *testing.B) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, 13)
		for {
			if _, err := io.ReadFull(c, buf); err != nil {
				return
			}
			if _, err := c.Write(buf); err != nil {
				return
			}
		}
	}()
	nc, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	buf := make([]byte, 13)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := nc.Write(buf); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(nc, buf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawData1MiB streams the same bytes as BenchmarkData1MiB into a
// bare reader with a 64 KiB buffer, with no frames and no answers: the floor
// for throughput.
func BenchmarkRawData1MiB(b *testing.B) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	total := make(chan int64, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		n, _ := io.CopyBuffer(io.Discard, struct{ io.Reader }{c}, make([]byte, 64<<10))
		total <- n
	}()
	nc, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	payload := make([]byte, 1<<20)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := nc.Write(payload); err != nil {
			b.Fatal(err)
		}
	}
	nc.(*net.TCPConn).CloseWrite()
	if n := <-total; n != int64(b.N)*int64(len(payload)) {
		b.Fatalf("reader got %d bytes", n)
	}
	nc.Close()
}

// BenchmarkIdleConnMemory reports what one idle connection costs: heap and
// goroutine stack, measured across b.N connections that sent one frame and
// then went quiet. (The client ends' sockets are counted too, so this is a
// slight overestimate.)
func BenchmarkIdleConnMemory(b *testing.B) {
	rs := start(b, &server.Server{Logger: logging.New(io.Discard, logging.Never)})
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
