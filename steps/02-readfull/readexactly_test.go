package main

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"bytestream/lab/shape"
)

// sameAsReadFull checks that readExactly and io.ReadFull, each given a fresh
// reader from newReader, return the same count, the same error and the same
// bytes.
func sameAsReadFull(t *testing.T, name string, size int, newReader func() io.Reader) {
	t.Helper()
	want := make([]byte, size)
	wantN, wantErr := io.ReadFull(newReader(), want)
	got := make([]byte, size)
	gotN, gotErr := readExactly(newReader(), got)
	if gotN != wantN || !errors.Is(gotErr, wantErr) || (gotErr == nil) != (wantErr == nil) || !bytes.Equal(got, want) {
		t.Errorf("%s: readExactly = %d, %v, %q; io.ReadFull = %d, %v, %q",
			name, gotN, gotErr, got, wantN, wantErr, want)
	}
}

func TestReadExactlyAgreesWithIOReadFull(t *testing.T) {
	t.Parallel()
	const data = "a stream of bytes with no edges!" // 32 bytes, one record
	text := func() io.Reader { return strings.NewReader(data) }
	readers := []struct {
		name      string
		newReader func() io.Reader
	}{
		{"whole", text},
		{"one byte per read", func() io.Reader { return iotest.OneByteReader(text()) }},
		{"half of each request per read", func() io.Reader { return iotest.HalfReader(text()) }},
		{"last bytes together with EOF", func() io.Reader { return iotest.DataErrReader(text()) }},
		{"error on the second read", func() io.Reader { return iotest.TimeoutReader(iotest.HalfReader(text())) }},
		{"empty stream", func() io.Reader { return strings.NewReader("") }},
		{"stream ends early", func() io.Reader { return strings.NewReader(data[:20]) }},
		{"stream ends early, one byte per read", func() io.Reader { return iotest.OneByteReader(strings.NewReader(data[:20])) }},
		{"lab split 1-7, seed 1", func() io.Reader { return shape.NewReader(text(), shape.Rule{SplitMin: 1, SplitMax: 7}, 1) }},
		{"lab split 1-7, seed 2", func() io.Reader { return shape.NewReader(text(), shape.Rule{SplitMin: 1, SplitMax: 7}, 2) }},
	}
	for _, r := range readers {
		sameAsReadFull(t, r.name, len(data), r.newReader)
	}
}

func TestReadExactlyAgreesWithIOReadFullAtEverySplitPoint(t *testing.T) {
	t.Parallel()
	const data = "hello, world"
	for i := 1; i < len(data); i++ {
		// io.MultiReader returns the two halves with separate Reads, as a
		// socket does when the bytes arrive in two segments.
		split := func() io.Reader {
			return io.MultiReader(strings.NewReader(data[:i]), strings.NewReader(data[i:]))
		}
		sameAsReadFull(t, "split at "+data[:i]+"|", len(data), split)
		// Asking for more than the stream holds ends in
		// io.ErrUnexpectedEOF, wherever the split fell.
		sameAsReadFull(t, "short stream split at "+data[:i]+"|", len(data)+1, split)
	}
}
