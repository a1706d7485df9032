package frame

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// FuzzReader feeds arbitrary bytes to a Reader. Whatever arrives, it must
// not panic, must not accept a payload above its limit, and every frame it
// returns must re-encode to exactly the bytes it consumed.
// `make test` runs the seeds; `make fuzz` searches for more.
func FuzzReader(f *testing.F) {
	f.Add(AppendFrame(AppendFrame(nil, Text, []byte("hello")), Text, []byte("world")))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x04})
	f.Add([]byte{0, 0, 0, 5, 0x01, 'h', 'e'})
	f.Add([]byte{0, 0, 1})
	f.Add(AppendFrame(nil, Type(0x42), nil))
	f.Fuzz(func(t *testing.T, wire []byte) {
		r := NewReader(&chunkReader{data: wire})
		r.MaxPayload = 1 << 16
		var reencoded []byte
		for {
			h, p, err := r.ReadFrame()
			if err == io.EOF {
				break
			}
			if err != nil {
				var tl *TooLargeError
				var te *TruncatedError
				if !errors.As(err, &tl) && !errors.As(err, &te) {
					t.Fatalf("unexpected error kind: %v", err)
				}
				return
			}
			if int(h.Length) != len(p) || len(p) > r.MaxPayload {
				t.Fatalf("header says %d bytes, payload has %d (limit %d)", h.Length, len(p), r.MaxPayload)
			}
			reencoded = AppendFrame(reencoded, h.Type, p)
		}
		if !bytes.Equal(reencoded, wire) {
			t.Fatalf("re-encoded %x, read %x", reencoded, wire)
		}
	})
}

// chunkReader delivers its data in pieces of varying size, so the fuzzer
// also exercises frames split across reads.
type chunkReader struct {
	data []byte
	step int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	c.step++
	n := min(len(p), len(c.data), 1+(c.step*7)%13)
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}
