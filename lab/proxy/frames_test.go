package proxy

import (
	"slices"
	"strings"
	"testing"
)

// v1 and len4 encode a frame as docs/protocol.md and step 03 do.
func v1(typ byte, payload string) string {
	n := len(payload)
	return string([]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n), typ}) + payload
}

func len4(payload string) string {
	n := len(payload)
	return string([]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}) + payload
}

// feedEach cuts stream at sizes and feeds the pieces to p, numbered from 1,
// as a pump does; each gets every piece, its stream offset and the frames
// that ended in it.
func feedEach(p *frameParser, stream string, sizes []int, each func(off int64, piece []byte, found []Frame)) {
	off := 0
	for i, size := range sizes {
		piece := []byte(stream[off : off+size])
		each(int64(off), piece, p.feed(piece, i+1, int64(off)))
		off += size
	}
}

// feedPieces cuts stream at sizes and returns the overlay's lines.
func feedPieces(f Framing, stream string, sizes ...int) ([]string, *frameParser) {
	p := newFrameParser(f)
	var lines []string
	feedEach(p, stream, sizes, func(_ int64, _ []byte, found []Frame) {
		for _, fr := range found {
			lines = append(lines, fr.String())
		}
	})
	return lines, p
}

func TestOverlayFindsWhereFramesFall(t *testing.T) {
	t.Parallel()
	hello := v1(1, "hello")
	tests := []struct {
		name    string
		framing Framing
		stream  string
		sizes   []int
		want    []string
	}{
		{"a whole frame in one piece", FramingV1, hello, []int{10},
			[]string{`frame 1 TEXT 5B "hello" in piece 1`}},
		{"a frame cut 3|3|3|1 splits its header 3+2", FramingV1, hello, []int{3, 3, 3, 1},
			[]string{`frame 1 TEXT 5B "hello" straddles pieces 1–4 (bytes 3+3+3+1, header 3+2)`}},
		{"a whole header, payload split", FramingV1, hello, []int{6, 4},
			[]string{`frame 1 TEXT 5B "hello" straddles pieces 1–2 (bytes 6+4)`}},
		{"two frames sharing one piece", FramingV1, hello + v1(2, "p"), []int{16},
			[]string{`frame 1 TEXT 5B "hello" in piece 1, shares a piece with another frame`,
				`frame 2 PING 1B "p" in piece 1, shares a piece with another frame`}},
		{"the second frame starts inside the first's last piece", FramingV1, hello + v1(5, "\x00\x00\x00\x00\x00\x00\x00\x05"), []int{12, 11},
			[]string{`frame 1 TEXT 5B "hello" in piece 1, shares a piece with another frame`,
				`frame 2 ACK 8B total 5 straddles pieces 1–2 (bytes 2+11, header 2+3), shares a piece with another frame`}},
		{"an empty payload and an unknown type", FramingV1, v1(0x42, ""), []int{5},
			[]string{`frame 1 0x42 0B "" in piece 1`}},
		{"len4 has no type byte", FramingLen4, len4("hello") + len4("hi"), []int{1, 8, 6},
			[]string{`frame 1 5B "hello" straddles pieces 1–2 (bytes 1+8, header 1+3)`,
				`frame 2 2B "hi" in piece 3`}},
		{"a frame over many pieces lists the first 32", FramingLen4, len4(strings.Repeat("y", 36)), slices.Repeat([]int{1}, 40),
			[]string{`frame 1 36B "yyyyyyyyyyyyyyyy"… straddles pieces 1–40 (bytes ` + strings.Repeat("1+", 32) + `…(40), header 1+1+1+1)`}},
		{"a long payload is quoted in part", FramingLen4, len4(strings.Repeat("x", 40)), []int{44},
			[]string{`frame 1 40B "xxxxxxxxxxxxxxxx"… in piece 1`}},
	}
	for _, tt := range tests {
		got, _ := feedPieces(tt.framing, tt.stream, tt.sizes...)
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestOverlayReportsAFrameCutOff(t *testing.T) {
	t.Parallel()
	_, p := feedPieces(FramingV1, v1(1, "hello")[:3], 3)
	if got, want := p.unfinished(), "frame 1 cut off: 3 of 5 header bytes"; got != want {
		t.Errorf("unfinished = %q; want %q", got, want)
	}
	_, p = feedPieces(FramingLen4, len4("hello")[:6], 6)
	if got, want := p.unfinished(), "frame 1 cut off: 2 of 5 payload bytes"; got != want {
		t.Errorf("unfinished = %q; want %q", got, want)
	}
}

// Not parallel: AllocsPerRun refuses to run alongside other tests.
func TestOverlayDoesNotAllocateTheDeclaredLength(t *testing.T) {
	p := newFrameParser(FramingV1)
	p.feed([]byte{0xff, 0xff, 0xff, 0xff, 4}, 1, 0)
	payload := make([]byte, 64<<10)
	allocs := testing.AllocsPerRun(10, func() { p.feed(payload, 2, 5) })
	if allocs > 1 {
		t.Errorf("feeding 64 KiB of a 4 GiB frame's payload allocated %v times", allocs)
	}
	if got := p.unfinished(); !strings.Contains(got, "of 4294967295 payload bytes") {
		t.Errorf("unfinished = %q; want the 4 GiB length", got)
	}
}

func TestParseFramingNamesTheChoices(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Framing{"": FramingOff, "off": FramingOff, "v1": FramingV1, "len4": FramingLen4} {
		if got, err := ParseFraming(in); err != nil || got != want {
			t.Errorf("ParseFraming(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseFraming("v2"); err == nil || !strings.Contains(err.Error(), "want v1, len4 or off") {
		t.Errorf("ParseFraming(v2) error = %v", err)
	}
}
