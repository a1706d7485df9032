package frame

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"bytestream/final/units"
)

var benchSizes = []int{64, 4 << 10, 1 << 20}

// sizeName names a sub-benchmark by its payload size, without the space
// units.FormatSize puts before the unit: "size=64B", "size=1MiB".
func sizeName(n int) string {
	return "size=" + strings.ReplaceAll(units.FormatSize(int64(n)), " ", "")
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
