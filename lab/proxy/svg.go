package proxy

import (
	"fmt"
	"html"
	"strings"
	"sync"

	"bytestream/final/atomicfile"
)

// drawLimit is how many bytes per direction the picture shows; a picture of
// a long stream would be too wide to read.
const drawLimit = 256

// drawing collects one connection's pieces and frames for -svg.
type drawing struct {
	mu     sync.Mutex
	pieces [2][]drawnPiece
	frames [2][]Frame
	total  [2]int64
}

type drawnPiece struct {
	offset int64
	bytes  []byte // at most the part before drawLimit
}

// piece notes a piece and the frames that ended in it.
func (d *drawing) piece(dir Direction, off int64, piece []byte, frames []Frame) {
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.total[dir] = off + int64(len(piece))
	if off < drawLimit {
		shown := piece[:min(int64(len(piece)), drawLimit-off)]
		d.pieces[dir] = append(d.pieces[dir], drawnPiece{offset: off, bytes: append([]byte(nil), shown...)})
	}
	for _, f := range frames {
		if f.Start < drawLimit {
			d.frames[dir] = append(d.frames[dir], f)
		}
	}
}

// Geometry of the picture, in pixels.
const (
	cell      = 14 // width of one byte
	margin    = 60
	boxHeight = 22
	laneGap   = 90
)

// svg renders the picture: per direction a lane of bytes, pieces as boxes
// in alternating colours, frames as brackets above the boxes.
func (d *drawing) svg() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	longest := int64(1)
	for dir := range d.pieces {
		longest = max(longest, min(d.total[dir], drawLimit))
	}
	width := max(2*margin+int(longest)*cell, 640) // wide enough for the legend
	height := 2*laneGap + 20
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="monospace" font-size="11">`+"\n", width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	for _, dir := range []Direction{Up, Down} {
		d.lane(&b, dir, 45+int(dir)*laneGap)
	}
	fmt.Fprintf(&b, `<text x="4" y="%d" fill="#555">boxes: pieces, one write each · brackets: frames · "·": a byte that is not printable</text>`+"\n", height-6)
	b.WriteString("</svg>\n")
	return b.String()
}

// pieceFill alternates per direction, red and blue like the terminal log.
var pieceFill = [2][2]string{{"#f4b6b6", "#e07a7a"}, {"#b6c8f4", "#7a9ae0"}}

func (d *drawing) lane(b *strings.Builder, dir Direction, y int) {
	label := fmt.Sprintf("%s %dB, %d pieces", dir, d.total[dir], len(d.pieces[dir]))
	if d.total[dir] > drawLimit {
		label += fmt.Sprintf(" (first %dB shown)", drawLimit)
	}
	fmt.Fprintf(b, `<text x="4" y="%d">%s</text>`+"\n", y-30, html.EscapeString(label))
	for i, p := range d.pieces[dir] {
		x := margin + int(p.offset)*cell
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="#333"/>`+"\n",
			x, y, len(p.bytes)*cell, boxHeight, pieceFill[dir][i%2])
		for j, c := range p.bytes {
			fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n",
				x+j*cell+cell/2, y+15, html.EscapeString(glyph(c)))
		}
	}
	for _, f := range d.frames[dir] {
		x1 := margin + int(f.Start)*cell
		x2 := margin + int(min(f.End, drawLimit))*cell
		top := y - 8
		fmt.Fprintf(b, `<path d="M%d %d V%d H%d V%d" fill="none" stroke="#222"/>`+"\n", x1+1, y-2, top, x2-1, y-2)
		name := fmt.Sprintf("frame %d", f.Index)
		if f.Type != "" {
			name += " " + f.Type
		}
		fmt.Fprintf(b, `<text x="%d" y="%d">%s</text>`+"\n", x1+2, top-3, html.EscapeString(name))
	}
}

// glyph is how one byte is drawn in its cell.
func glyph(c byte) string {
	if c >= 0x21 && c < 0x7f {
		return string(rune(c))
	}
	if c == ' ' {
		return "␣"
	}
	return "·"
}

// writeFile writes the picture atomically: a reader never sees half of it.
func (d *drawing) writeFile(name string) error {
	return atomicfile.Write(name, []byte(d.svg()))
}
