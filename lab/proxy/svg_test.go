package proxy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bytestream/lab/shape"
)

func TestSVGDrawsPiecesAndFrameBrackets(t *testing.T) {
	t.Parallel()
	d := newDrawing(FramingV1)
	p := newFrameParser(FramingV1)
	stream := v1(1, "hello") + v1(1, "hi")
	off := 0
	for i, size := range []int{3, 9, 5} {
		piece := []byte(stream[off : off+size])
		d.piece(Up, int64(off), piece, p.feed(piece, i+1, int64(off)))
		off += size
	}
	svg := d.svg()
	if n := strings.Count(svg, `stroke="#333"`); n != 3 {
		t.Errorf("picture has %d piece boxes; want 3", n)
	}
	if n := strings.Count(svg, "<path"); n != 2 {
		t.Errorf("picture has %d frame brackets; want 2", n)
	}
	for _, want := range []string{"frame 1 TEXT", "frame 2 TEXT", "c→s 17B, 3 pieces", ">h<"} {
		if !strings.Contains(svg, want) {
			t.Errorf("picture lacks %q", want)
		}
	}
}

func TestSVGFileIsWrittenWhenConnectionZeroCloses(t *testing.T) {
	t.Parallel()
	u := startUpstream(t, "done")
	file := filepath.Join(t.TempDir(), "c0.svg")
	rule, _ := shape.ParseRule("split=4,gap=0")
	addr, stop := startProxy(t, Config{Upstream: u.ln.Addr().String(), Up: rule, Framing: FramingLen4, SVG: file})
	exchange(t, addr, 0, len4("hello")+len4("world"))
	u.nextReads(t)
	stop()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "<svg") || strings.Count(string(data), `stroke="#333"`) != 5+1 {
		t.Fatalf("picture = %.200q…; want an SVG with 5 up pieces and 1 down piece", data)
	}
}
