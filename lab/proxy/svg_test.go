package proxy

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bytestream/lab/shape"
)

func TestSVGDrawsPiecesAndFrameBrackets(t *testing.T) {
	t.Parallel()
	d := &drawing{}
	p := newFrameParser(FramingV1)
	feedEach(p, v1(1, "hello")+v1(1, "hi"), []int{3, 9, 5}, func(off int64, piece []byte, found []Frame) {
		d.piece(Up, off, piece, found)
	})
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
	var rec bytes.Buffer
	addr, stop := startProxy(t, Config{Upstream: u.ln.Addr().String(), Up: rule, Framing: FramingLen4, SVG: file, Record: NewRecorder(&rec)})
	exchange(t, addr, 0, len4("hello")+len4("world"))
	u.nextReads(t)
	stop()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// One box per piece written: at least 5 up (18 bytes in pieces of at
	// most 4, however the kernel delivered them to the proxy) and 1 down.
	pieces := len(recordedPieces(t, &rec))
	if !strings.HasPrefix(string(data), "<svg") || pieces < 5+1 || strings.Count(string(data), `stroke="#333"`) != pieces {
		t.Fatalf("picture = %.200q…; want an SVG with a box for each of the %d pieces written", data, pieces)
	}
}

// A picture that cannot be written when connection 0 closes (its
// directory was removed meanwhile) was a log line only, and lab proxy
// exited 0 as though it had drawn it.
func TestAPictureThatCannotBeWrittenIsReported(t *testing.T) {
	t.Parallel()
	u := startUpstream(t, "done")
	file := filepath.Join(t.TempDir(), "gone", "c0.svg")
	ln := listen(t)
	p := New(Config{Upstream: u.ln.Addr().String(), Framing: FramingLen4, SVG: file})
	done := make(chan error, 1)
	go func() { done <- p.Serve(ln) }()
	exchange(t, ln.Addr().String(), 0, len4("hello"))
	u.nextReads(t)
	p.Close()
	<-done
	if err := p.PictureErr(); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("PictureErr = %v, want the failed write of %s", err, file)
	}
}

var update = flag.Bool("update", false, "rewrite testdata/lab/connection.svg from the drawing code")

// The picture in docs/lab.md is the replay script's session (split=2-7,
// seed 3, TEXT "hello" and "world" with their ACKs), drawn by the same code
// the proxy runs; this test fails when the drawing changes and the picture
// was not regenerated with -update.
func TestConnectionPictureIsCurrent(t *testing.T) {
	t.Parallel()
	rule, _ := shape.ParseRule("split=2-7")
	d := &drawing{}
	cutters := [2]*shape.Cutter{shape.NewCutter(rule, 3), shape.NewCutter(rule, ^int64(3))}
	parsers := [2]*frameParser{newFrameParser(FramingV1), newFrameParser(FramingV1)}
	var offsets [2]int64
	var numbers [2]int
	ack := func(total byte) string { return v1(5, "\x00\x00\x00\x00\x00\x00\x00"+string(total)) }
	for _, chunk := range []struct {
		dir   Direction
		bytes string
	}{{Up, v1(1, "hello")}, {Down, ack(5)}, {Up, v1(1, "world")}, {Down, ack(10)}} {
		off := 0
		for _, size := range cutters[chunk.dir].Cut(len(chunk.bytes)) {
			piece := []byte(chunk.bytes[off : off+size])
			numbers[chunk.dir]++
			frames := parsers[chunk.dir].feed(piece, numbers[chunk.dir], offsets[chunk.dir])
			d.piece(chunk.dir, offsets[chunk.dir], piece, frames)
			offsets[chunk.dir] += int64(size)
			off += size
		}
	}
	golden := filepath.Join("..", "..", "testdata", "lab", "connection.svg")
	if *update {
		if err := os.WriteFile(golden, []byte(d.svg()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if d.svg() != string(want) {
		t.Fatalf("%s is stale: run go test ./lab/proxy -run TestConnectionPictureIsCurrent -update", golden)
	}
}
