package frame

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

var benchSizes = []int{64, 4 << 10, 1 << 20}

func sizeName(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("size=%dMiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("size=%dKiB", n>>10)
	}
	return fmt.Sprintf("size=%dB", n)
}

// BenchmarkEncode measures queuing DATA frames and flushing them to a
// writer that discards, i.e. the cost of framing alone.
func BenchmarkEncode(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(sizeName(size), func(b *testing.B) {
			payload := make([]byte, size)
			w := NewWriter(io.Discard)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				if err := w.WriteFrame(Data, payload); err != nil {
					b.Fatal(err)
				}
			}
			w.Flush()
		})
	}
}

// BenchmarkDecode measures reading DATA frames from memory, both keeping the
// payload (ReadFrame) and skipping it (DiscardPayload, what a server does).
func BenchmarkDecode(b *testing.B) {
	for _, mode := range []string{"read", "discard"} {
		for _, size := range benchSizes {
			b.Run("mode="+mode+"/"+sizeName(size), func(b *testing.B) {
				frames := max(1, (1<<20)/size)
				var wire []byte
				for range frames {
					wire = AppendFrame(wire, Data, make([]byte, size))
				}
				src := bytes.NewReader(wire)
				r := NewReader(src)
				b.SetBytes(int64(size))
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					if i%frames == 0 {
						src.Reset(wire)
					}
					i++
					if _, err := r.ReadHeader(); err != nil {
						b.Fatal(err)
					}
					var err error
					if mode == "read" {
						_, err = r.ReadPayload()
					} else {
						_, err = r.DiscardPayload()
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
