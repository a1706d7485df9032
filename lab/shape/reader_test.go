package shape

import (
	"bytes"
	"io"
	"slices"
	"testing"
	"testing/iotest"
)

func TestNewReaderHandsOutSeededPieces(t *testing.T) {
	t.Parallel()
	data := bytes.Repeat([]byte("0123456789"), 20)
	rule := Rule{SplitMin: 2, SplitMax: 9}
	r := NewReader(iotest.OneByteReader(bytes.NewReader(data)), rule, 99)
	sizes := readSizes(t, r)
	want := NewCutter(rule, 99)
	total := 0
	for i, got := range sizes {
		exp := want.Next()
		total += got
		if got != exp && i < len(sizes)-1 {
			t.Fatalf("read %d returned %d bytes; seed 99 says %d", i, got, exp)
		}
	}
	if total != len(data) {
		t.Fatalf("read %d bytes in all; want %d", total, len(data))
	}
}

func TestNewReaderKeepsTheBytes(t *testing.T) {
	t.Parallel()
	data := bytes.Repeat([]byte("abc"), 1000)
	r := NewReader(iotest.HalfReader(bytes.NewReader(data)), Rule{SplitMin: 1, SplitMax: 100}, 4)
	if err := iotest.TestReader(r, data); err != nil {
		t.Fatal(err)
	}
}

func TestNewReaderWithASmallBufferContinuesThePiece(t *testing.T) {
	t.Parallel()
	r := NewReader(bytes.NewReader([]byte("abcdefgh")), Rule{SplitMin: 5, SplitMax: 5}, 0)
	var got []string
	buf := make([]byte, 2)
	for {
		n, err := r.Read(buf)
		if err == io.EOF {
			break
		}
		got = append(got, string(buf[:n]))
	}
	// Pieces "abcde" and "fgh", each handed out through a 2-byte buffer.
	want := []string{"ab", "cd", "e", "fg", "h"}
	if !slices.Equal(got, want) {
		t.Fatalf("reads = %q; want %q", got, want)
	}
}
