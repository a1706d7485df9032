package frame

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// writeRecorder records every Write call separately, to count system calls
// a connection would see.
type writeRecorder struct{ writes [][]byte }

func (w *writeRecorder) Write(p []byte) (int, error) {
	w.writes = append(w.writes, bytes.Clone(p))
	return len(p), nil
}

func TestSmallFramesWaitForFlushThenLeaveInOneWrite(t *testing.T) {
	t.Parallel()
	rec := &writeRecorder{}
	w := NewWriter(rec)
	w.WriteFrame(Text, []byte("hello"))
	w.WriteAck(5)
	w.WriteFrame(Ping, nil)
	if len(rec.writes) != 0 {
		t.Fatalf("%d writes before Flush, want 0", len(rec.writes))
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := AppendFrame(AppendFrame(AppendFrame(nil, Text, []byte("hello")), Ack, []byte{0, 0, 0, 0, 0, 0, 0, 5}), Ping, nil)
	if len(rec.writes) != 1 || !bytes.Equal(rec.writes[0], want) {
		t.Fatalf("writes = %x, want one write %x", rec.writes, want)
	}
}

func TestAFrameLargerThanTheBufferIsOneWriteWithWhatWasPending(t *testing.T) {
	t.Parallel()
	rec := &writeRecorder{}
	w := NewWriterSize(rec, 32)
	big := bytes.Repeat([]byte{7}, 100)
	w.WriteAck(1)
	if err := w.WriteFrame(Data, big); err != nil {
		t.Fatal(err)
	}
	want := AppendFrame(AppendFrame(nil, Ack, []byte{0, 0, 0, 0, 0, 0, 0, 1}), Data, big)
	if len(rec.writes) != 1 || !bytes.Equal(rec.writes[0], want) {
		t.Fatalf("got %d writes, want exactly one holding the ACK and the whole DATA frame", len(rec.writes))
	}
	if w.Buffered() != 0 {
		t.Fatalf("Buffered = %d after a large frame, want 0", w.Buffered())
	}
}

func TestAFrameThatDoesNotFitBesidePendingFlushesFirst(t *testing.T) {
	t.Parallel()
	rec := &writeRecorder{}
	w := NewWriterSize(rec, 32)
	w.WriteFrame(Text, make([]byte, 20))
	w.WriteFrame(Text, make([]byte, 20))
	if len(rec.writes) != 1 || len(rec.writes[0]) != 25 {
		t.Fatalf("writes = %d, want the first 25-byte frame flushed whole", len(rec.writes))
	}
	if w.Buffered() != 25 {
		t.Fatalf("Buffered = %d, want the second frame (25 bytes) pending", w.Buffered())
	}
}

type shortWriter struct{}

func (shortWriter) Write(p []byte) (int, error) { return len(p) / 2, nil }

func TestAShortWriteIsAnErrorThatSticks(t *testing.T) {
	t.Parallel()
	w := NewWriter(shortWriter{})
	w.WriteAck(1)
	if err := w.Flush(); !errors.Is(err, io.ErrShortWrite) {
		t.Fatalf("Flush = %v, want io.ErrShortWrite", err)
	}
	if err := w.WriteAck(2); !errors.Is(err, io.ErrShortWrite) {
		t.Fatalf("WriteAck after a failed flush = %v, want the same error", err)
	}
}

func TestResetClearsTheErrorAndPendingFrames(t *testing.T) {
	t.Parallel()
	w := NewWriter(shortWriter{})
	w.WriteAck(1)
	w.Flush()
	var out bytes.Buffer
	w.Reset(&out)
	w.WriteFrame(Text, []byte("hi"))
	if err := w.Flush(); err != nil || !bytes.Equal(out.Bytes(), AppendFrame(nil, Text, []byte("hi"))) {
		t.Fatalf("after Reset: %v, wrote %x", err, out.Bytes())
	}
}

func TestAckTotalDecodesEightBytesOnly(t *testing.T) {
	t.Parallel()
	if n, err := AckTotal([]byte{0, 0, 0, 0, 0, 0, 0, 10}); n != 10 || err != nil {
		t.Fatalf("AckTotal = %d, %v; want 10", n, err)
	}
	if _, err := AckTotal([]byte{1, 2, 3}); err == nil {
		t.Fatal("AckTotal accepted a 3-byte payload")
	}
}

func TestTypeNames(t *testing.T) {
	t.Parallel()
	for typ, want := range map[Type]string{
		Text: "TEXT", Ping: "PING", Pong: "PONG", Data: "DATA", Ack: "ACK", Error: "ERROR",
		0: "0x00", 7: "0x07", 0x42: "0x42", 0xff: "0xff",
	} {
		if got := typ.String(); got != want {
			t.Errorf("Type(%d).String() = %q, want %q", uint8(typ), got, want)
		}
		if typ.Known() != (want[0] != '0') {
			t.Errorf("Type(%d).Known() = %v", uint8(typ), typ.Known())
		}
	}
}

func TestSteadyStateAllocatesNothing(t *testing.T) {
	wire := AppendFrame(nil, Ping, []byte("12345678"))
	src := bytes.NewReader(wire)
	r := NewReader(src)
	w := NewWriter(io.Discard)
	allocs := testing.AllocsPerRun(1000, func() {
		src.Reset(wire)
		h, p, err := r.ReadFrame()
		if err != nil {
			t.Fatal(err)
		}
		w.WriteFrame(Pong, p)
		w.WriteAck(uint64(h.Length))
		w.Flush()
	})
	if allocs != 0 {
		t.Fatalf("read PING, write PONG and ACK: %v allocs per frame, want 0", allocs)
	}
}
