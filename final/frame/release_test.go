package frame

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"
)

// TestReleaseBetweenFramesChangesNothingRead releases the Reader's buffer
// at every frame boundary where nothing is buffered (the stream arrives a
// few bytes per read, so that happens often) and checks every frame still
// decodes exactly.
func TestReleaseBetweenFramesChangesNothingRead(t *testing.T) {
	t.Parallel()
	wire, want := sample()
	r := NewReaderSize(iotest.HalfReader(bytes.NewReader(wire)), 16)
	var got []frameCase
	released := 0
	for {
		if r.Buffered() == 0 {
			if !r.Release() {
				t.Fatalf("after %d frames, nothing buffered: Release refused", len(got))
			}
			released++
		}
		h, p, err := r.ReadFrame()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after %d frames: %v", len(got), err)
		}
		got = append(got, frameCase{h.Type, bytes.Clone(p)})
	}
	assertFrames(t, got, want)
	if released == 0 {
		t.Fatal("the test never released a buffer")
	}
}

// TestReleaseKeepsWhatIsBuffered: bytes already read, or a payload still
// unread, would be lost with the buffer, so Release refuses and reading
// carries on as if it had not been called.
func TestReleaseKeepsWhatIsBuffered(t *testing.T) {
	t.Parallel()
	wire := AppendFrame(AppendFrame(nil, Text, []byte("one")), Text, []byte("two"))
	r := NewReader(bytes.NewReader(wire))
	if _, err := r.ReadHeader(); err != nil {
		t.Fatal(err)
	}
	if r.Release() {
		t.Fatal("Release with a payload unread and a frame buffered reported true")
	}
	if p, err := r.ReadPayload(); err != nil || string(p) != "one" {
		t.Fatalf("first payload = %q, %v", p, err)
	}
	if r.Release() {
		t.Fatal("Release with a frame buffered reported true")
	}
	if _, p, err := r.ReadFrame(); err != nil || string(p) != "two" {
		t.Fatalf("second frame = %q, %v", p, err)
	}
	if !r.Release() {
		t.Fatal("Release with nothing buffered reported false")
	}
	if !r.Release() {
		t.Fatal("a second Release reported false")
	}
	if _, _, err := r.ReadFrame(); err != io.EOF {
		t.Fatalf("ReadFrame after Release at the end = %v, want io.EOF", err)
	}
}

// TestResetDropsWhatIsBufferedSoReleaseCanGo: a connection abandoned
// mid-stream still gives its buffer back, after Reset.
func TestResetDropsWhatIsBufferedSoReleaseCanGo(t *testing.T) {
	t.Parallel()
	r := NewReader(bytes.NewReader(AppendFrame(nil, Text, []byte("lost"))))
	if _, err := r.ReadHeader(); err != nil {
		t.Fatal(err)
	}
	next := AppendFrame(nil, Text, []byte("next"))
	r.Reset(bytes.NewReader(next))
	if r.Buffered() != 0 || !r.Release() {
		t.Fatalf("after Reset: %d bytes buffered, Release refused", r.Buffered())
	}
	if _, p, err := r.ReadFrame(); err != nil || string(p) != "next" {
		t.Fatalf("first frame after Reset = %q, %v", p, err)
	}
}

// TestWriterReleaseKeepsPendingFrames: a Writer gives its buffer up only
// when nothing waits for Flush, and writes the same bytes after taking one
// back.
func TestWriterReleaseKeepsPendingFrames(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w := NewWriter(&out)
	if !w.Release() {
		t.Fatal("Release of a new Writer reported false")
	}
	w.WriteAck(5)
	if w.Release() {
		t.Fatal("Release with an ACK pending reported true")
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if !w.Release() {
		t.Fatal("Release after Flush reported false")
	}
	w.WriteAck(10)
	w.WriteFrame(Text, []byte("hi"))
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := AppendFrame(AppendFrame(AppendFrame(nil, Ack, []byte{7: 5}), Ack, []byte{7: 10}), Text, []byte("hi"))
	if !bytes.Equal(out.Bytes(), want) {
		t.Fatalf("wrote % x\nwant  % x", out.Bytes(), want)
	}
}

// TestReleasingEveryFrameAllocatesNothing: an idle connection gives its
// buffers back and takes them again for every request, so the round trip
// through the pools must not allocate. (The race detector makes sync.Pool
// drop items on purpose, so the count is only checked without it.)
func TestReleasingEveryFrameAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	wire := AppendFrame(nil, Ping, []byte("12345678"))
	src := bytes.NewReader(wire)
	r := NewReader(src)
	w := NewWriter(io.Discard)
	allocs := testing.AllocsPerRun(1000, func() {
		src.Reset(wire)
		_, p, err := r.ReadFrame()
		if err != nil {
			t.Fatal(err)
		}
		w.WriteFrame(Pong, p)
		w.Flush()
		if !r.Release() || !w.Release() {
			t.Fatal("Release refused with nothing buffered")
		}
	})
	if allocs != 0 {
		t.Fatalf("read PING, write PONG, release both: %v allocs per frame, want 0", allocs)
	}
}
