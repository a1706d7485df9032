package bench

// Go benchmarks for benchstat. Each framed benchmark has a raw twin under
// the same name with impl=raw, so one run compares them side by side:
//
//	go test -run '^$' -bench . -count 10 ./final/bench > new.txt
//	benchstat -col '/impl@(raw framed)' new.txt
//
// Frame encoding and decoding alone are measured in final/frame
// (BenchmarkEncode, BenchmarkDecode).

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"

	"bytestream/final/client"
	"bytestream/final/frame"
	"bytestream/final/server"
	"bytestream/final/server/servertest"
	"bytestream/final/units"
)

// sizeName names a sub-benchmark by its payload size, without the space
// units.FormatSize puts before the unit: "size=64B", "size=1MiB".
func sizeName(n int) string {
	return "size=" + strings.ReplaceAll(units.FormatSize(int64(n)), " ", "")
}

func connectFramed(b *testing.B, addr string) *client.Conn {
	b.Helper()
	c, err := client.Dial(context.Background(), addr)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return c
}

func connectRaw(b *testing.B, addr string) *net.TCPConn {
	b.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return c.(*net.TCPConn)
}

func startRaw(b *testing.B) *RawServers {
	b.Helper()
	raw, err := StartRawServers()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { raw.Close() })
	return raw
}

// BenchmarkPingRoundTrip is one PING/PONG with an 8-byte payload (13 bytes
// each way) against the in-process server, and the same 13 bytes through
// the raw echo server.
func BenchmarkPingRoundTrip(b *testing.B) {
	const payload = 8
	addr, raw := servertest.Start(b, &server.Server{}), startRaw(b)
	b.Run("impl=framed", func(b *testing.B) {
		c := connectFramed(b, addr)
		p := make([]byte, payload)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Ping(p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=raw", func(b *testing.B) {
		c := connectRaw(b, raw.EchoAddr())
		buf := make([]byte, frame.HeaderLen+payload)
		b.ReportAllocs()
		for b.Loop() {
			if err := rawRoundTrip(c, buf); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPipelinedData streams b.N DATA frames while reading their ACKs,
// and ends when the last ACK's total equals the bytes sent; impl=raw
// streams the same payload bytes, unframed, to the raw sink.
func BenchmarkPipelinedData(b *testing.B) {
	addr, raw := servertest.Start(b, &server.Server{}), startRaw(b)
	for _, size := range []int{64, 4 << 10, 64 << 10, 1 << 20} {
		b.Run(sizeName(size)+"/impl=framed", func(b *testing.B) {
			c := connectFramed(b, addr)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			t, err := pipelined(c, size, budget{frames: int64(b.N)}, window(1, size), new(progress))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(t.Frames)/t.End.Sub(t.Start).Seconds(), "frames/s")
		})
		b.Run(sizeName(size)+"/impl=raw", func(b *testing.B) {
			c := connectRaw(b, raw.SinkAddr())
			b.SetBytes(int64(size))
			b.ReportAllocs()
			t, err := rawStream(c, size, int64(b.N), new(progress))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(t.Frames)/t.End.Sub(t.Start).Seconds(), "frames/s")
		})
	}
}

// BenchmarkServerFrame measures the server's handling of one frame: the
// client writes pre-encoded frames and discards the answers, allocating
// nothing per frame itself, so allocs/op is the server's.
func BenchmarkServerFrame(b *testing.B) {
	addr := servertest.Start(b, &server.Server{})
	for _, tc := range []struct {
		typ  frame.Type
		size int
	}{{frame.Data, 64}, {frame.Text, 64}, {frame.Ping, 8}} {
		b.Run("type="+tc.typ.String()+"/"+sizeName(tc.size), func(b *testing.B) {
			serverFrames(b, addr, tc.typ, tc.size)
		})
	}
}

// batchFrames is how many frames the client writes per system call.
const batchFrames = 256

func serverFrames(b *testing.B, addr string, typ frame.Type, size int) {
	payload := make([]byte, size)
	for i := range payload {
		payload[i] = 'a' // valid UTF-8, so TEXT is accepted
	}
	one := frame.AppendFrame(nil, typ, payload)
	var batch []byte
	for range batchFrames {
		batch = append(batch, one...)
	}
	c := connectRaw(b, addr)
	answered := make(chan int64, 1)
	go func() {
		n, _ := io.Copy(io.Discard, c)
		answered <- n
	}()
	b.ReportAllocs()
	b.ResetTimer()
	for sent := 0; sent < b.N; sent += batchFrames {
		n := min(batchFrames, b.N-sent)
		if _, err := c.Write(batch[:n*len(one)]); err != nil {
			b.Fatal(err)
		}
	}
	if err := c.CloseWrite(); err != nil {
		b.Fatal(err)
	}
	// Every TEXT, DATA and PING here is answered with 13 bytes: an ACK, or
	// a PONG of the 8-byte payload.
	if got, want := <-answered, int64(b.N)*(frame.HeaderLen+8); got != want {
		b.Fatalf("server answered %d bytes, want %d", got, want)
	}
}
