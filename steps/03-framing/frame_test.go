package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"bytestream/lab/shape"
)

// frames is what the client sends for messages: each one framed, back to
// back.
func frames(t *testing.T, messages ...string) string {
	t.Helper()
	var b bytes.Buffer
	for _, m := range messages {
		if err := writeFrame(&b, []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// collect runs readFrames over r and returns the messages it delivered and
// its error.
func collect(r io.Reader) ([]string, error) {
	var got []string
	err := readFrames(r, func(msg []byte) { got = append(got, string(msg)) })
	return got, err
}

func Example_writeFrame() {
	var wire bytes.Buffer
	writeFrame(&wire, []byte("hello"))
	fmt.Printf("% x\n", wire.Bytes())
	// Output: 00 00 00 05 68 65 6c 6c 6f
}

func TestWriteFrameSendsOneFrameWithOneWrite(t *testing.T) {
	t.Parallel()
	var w countingWriter
	if err := writeFrame(&w, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if w.writes != 1 || w.buf.String() != "\x00\x00\x00\x05hello" {
		t.Errorf("writeFrame made %d writes of %q; want 1 write of the header and message", w.writes, w.buf.String())
	}
}

// countingWriter records what was written and with how many Writes.
type countingWriter struct {
	buf    bytes.Buffer
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.buf.Write(p)
}

func TestReadFramesDeliversExactMessagesHoweverTheStreamIsCut(t *testing.T) {
	t.Parallel()
	want := []string{"hello", "", "world"} // an empty message is a frame too
	stream := frames(t, want...)
	readers := map[string]io.Reader{
		"all frames in one read":        strings.NewReader(stream),
		"one byte per read":             iotest.OneByteReader(strings.NewReader(stream)),
		"half of each request per read": iotest.HalfReader(strings.NewReader(stream)),
		"last bytes together with EOF":  iotest.DataErrReader(strings.NewReader(stream)),
	}
	for i := 1; i < len(stream); i++ {
		readers[fmt.Sprintf("split at byte %d", i)] = io.MultiReader(strings.NewReader(stream[:i]), strings.NewReader(stream[i:]))
	}
	for seed := int64(1); seed <= 5; seed++ {
		readers[fmt.Sprintf("lab split 1-7, seed %d", seed)] = shape.NewReader(strings.NewReader(stream), shape.Rule{SplitMin: 1, SplitMax: 7}, seed)
	}
	for name, r := range readers {
		got, err := collect(r)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%s: got %q, %v; want %q", name, got, err, want)
		}
	}
}

func TestReadFrameTellsACleanEndFromATruncatedFrame(t *testing.T) {
	t.Parallel()
	stream := frames(t, "hello")
	// Cut the stream after every possible number of bytes. Only a cut
	// before the first byte is a clean end.
	for cut := 0; cut < len(stream); cut++ {
		_, err := readFrame(strings.NewReader(stream[:cut]), maxMessageSize)
		var want string
		switch {
		case cut == 0:
			if err != io.EOF {
				t.Errorf("empty stream: err = %v, want io.EOF", err)
			}
			continue
		case cut < headerSize:
			want = fmt.Sprintf("truncated frame: %d of 4 header bytes: unexpected EOF", cut)
		default:
			want = fmt.Sprintf("truncated frame: %d of 5 message bytes: unexpected EOF", cut-headerSize)
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) || err.Error() != want {
			t.Errorf("stream cut after %d bytes: err = %v, want %q", cut, err, want)
		}
	}
}

func TestReadFrameAcceptsUpToTheLimit(t *testing.T) {
	t.Parallel()
	msg, err := readFrame(strings.NewReader(frames(t, "hello")), 5)
	if err != nil || string(msg) != "hello" {
		t.Errorf("5 bytes with limit 5: got %q, %v", msg, err)
	}
	_, err = readFrame(strings.NewReader(frames(t, "hello!")), 5)
	if !errors.Is(err, errTooLarge) || err.Error() != "frame too large: 6 bytes > limit 5" {
		t.Errorf("6 bytes with limit 5: err = %v, want errTooLarge", err)
	}
}

// TestReadFrameChecksTheLengthBeforeAllocating sends a header that claims
// 4 GiB - 1 bytes and nothing else. The reader must refuse it from the
// header alone. This test is not parallel: it counts the bytes the whole
// program allocates, and other tests running at once would add theirs.
func TestReadFrameChecksTheLengthBeforeAllocating(t *testing.T) {
	huge := strings.NewReader("\xff\xff\xff\xff")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := readFrame(huge, maxMessageSize)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, errTooLarge) || err.Error() != "frame too large: 4294967295 bytes > limit 1048576" {
		t.Fatalf("err = %v, want errTooLarge", err)
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 64<<10 {
		t.Errorf("readFrame allocated %d bytes for a frame it refused", allocated)
	}
}
