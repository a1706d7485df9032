package main

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"runtime"
	"testing"
	"testing/iotest"

	"bytestream/lab/shape"
)

// encode returns the bytes writeFrame puts on the wire.
func encode(t *testing.T, typ msgType, payload string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := writeFrame(&buf, typ, []byte(payload)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// frame is a decoded frame, comparable with ==.
type frame struct {
	t       msgType
	payload string
}

// readAll decodes frames from r until a clean end of stream.
func readAll(t *testing.T, r io.Reader) []frame {
	t.Helper()
	var frames []frame
	for {
		typ, payload, err := readFrame(r, maxPayloadSize)
		if err == io.EOF {
			return frames
		}
		if err != nil {
			t.Fatalf("after %d frames: %v", len(frames), err)
		}
		frames = append(frames, frame{typ, string(payload)})
	}
}

func TestWriteFrameMatchesTheProtocolExample(t *testing.T) {
	t.Parallel()
	// docs/protocol.md: TEXT "hello" is 00 00 00 05 01 68 65 6c 6c 6f.
	if got, want := hex.EncodeToString(encode(t, typeText, "hello")), "000000050168656c6c6f"; got != want {
		t.Errorf("TEXT hello = %s, want %s", got, want)
	}
}

func TestReadFrameFindsBothFramesAtEverySplitPoint(t *testing.T) {
	t.Parallel()
	stream := append(encode(t, typeText, "hello"), encode(t, typePing, "")...)
	want := []frame{{typeText, "hello"}, {typePing, ""}}
	for i := 1; i < len(stream); i++ {
		// io.MultiReader returns each part with its own Read, as a
		// socket does when the bytes arrive in two segments.
		r := io.MultiReader(bytes.NewReader(stream[:i]), bytes.NewReader(stream[i:]))
		if got := readAll(t, r); !equalFrames(got, want) {
			t.Errorf("split at %d: got %v, want %v", i, got, want)
		}
	}
	if got := readAll(t, iotest.OneByteReader(bytes.NewReader(stream))); !equalFrames(got, want) {
		t.Errorf("one byte per Read: got %v, want %v", got, want)
	}
	for seed := range int64(20) {
		r := shape.NewReader(bytes.NewReader(stream), shape.Rule{SplitMin: 1, SplitMax: 7}, seed)
		if got := readAll(t, r); !equalFrames(got, want) {
			t.Errorf("split=1-7 seed %d: got %v, want %v", seed, got, want)
		}
	}
}

func TestReadFrameTellsACleanEndFromATruncatedFrame(t *testing.T) {
	t.Parallel()
	whole := encode(t, typeData, "abc")
	for _, tc := range []struct {
		name  string
		input []byte
		want  error
	}{
		{"nothing at all is a clean end", nil, io.EOF},
		{"three header bytes are truncated", whole[:3], io.ErrUnexpectedEOF},
		{"a header without its payload is truncated", whole[:headerSize], io.ErrUnexpectedEOF},
		{"half a payload is truncated", whole[:headerSize+1], io.ErrUnexpectedEOF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readFrame(bytes.NewReader(tc.input), maxPayloadSize)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// This test is not parallel: it measures every byte the process allocates,
// and other tests running at the same time would add theirs.
func TestReadFrameRefusesA4GiBLengthWithoutAllocating(t *testing.T) {
	header := []byte{0xff, 0xff, 0xff, 0xff, byte(typeData)}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, err := readFrame(bytes.NewReader(header), maxPayloadSize)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, errTooLarge) {
		t.Fatalf("err = %v, want errTooLarge", err)
	}
	if want := "frame too large: 4294967295 bytes > limit 16777216"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("refusing the frame allocated %d bytes", grew)
	}
}

func TestTypesPrintByNameOrInHex(t *testing.T) {
	t.Parallel()
	for typ, want := range map[msgType]string{typeText: "TEXT", typeError: "ERROR", 0x42: "0x42", 0: "0x00"} {
		if got := typ.String(); got != want {
			t.Errorf("msgType(%#x) = %q, want %q", byte(typ), got, want)
		}
	}
}

func equalFrames(a, b []frame) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
