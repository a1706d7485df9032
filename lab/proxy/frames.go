package proxy

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// Framing says how the overlay finds frames in a stream.
type Framing int

const (
	FramingOff  Framing = iota // no overlay
	FramingV1                  // docs/protocol.md: 4-byte big-endian length, 1 type byte, payload
	FramingLen4                // step 03: 4-byte big-endian length, payload
)

// ParseFraming parses the -frames flag: "v1", "len4", or "off" (or "").
func ParseFraming(s string) (Framing, error) {
	switch s {
	case "", "off":
		return FramingOff, nil
	case "v1":
		return FramingV1, nil
	case "len4":
		return FramingLen4, nil
	}
	return FramingOff, fmt.Errorf("frames: %q is not a framing (want v1, len4 or off)", s)
}

func (f Framing) String() string {
	return [...]string{"off", "v1", "len4"}[f]
}

func (f Framing) headerLen() int {
	if f == FramingV1 {
		return 5
	}
	return 4
}

// typeNames are docs/protocol.md's message types. The lab keeps its own table
// rather than importing final/: the overlay must keep working on streams
// that final/ would reject.
var typeNames = map[byte]string{1: "TEXT", 2: "PING", 3: "PONG", 4: "DATA", 5: "ACK", 6: "ERROR"}

func typeName(t byte) string {
	if name, ok := typeNames[t]; ok {
		return name
	}
	return fmt.Sprintf("0x%02x", t)
}

// previewLen is how many payload bytes a frame line quotes.
const previewLen = 16

// Frame is one frame the overlay found, with where it fell among the pieces.
type Frame struct {
	Index       int    // 1-based, per direction
	Type        string // docs/protocol.md's name; "" for len4
	Length      uint64 // payload bytes
	Start, End  int64  // stream offsets, End exclusive
	FirstPiece  int    // 1-based piece numbers
	LastPiece   int
	Parts       []int  // bytes of the frame in each piece it touches (the first maxListed)
	HeaderParts []int  // bytes of the header in each piece it touches
	Shared      bool   // a piece it touches also holds bytes of another frame
	Preview     []byte // the payload's first bytes
}

// Split reports whether the frame straddles more than one piece.
func (f Frame) Split() bool { return f.LastPiece > f.FirstPiece }

// String is the overlay's line, e.g.
// `frame 2 TEXT 5B "hello" straddles pieces 3–4 (bytes 3+7, header 3+2)`.
func (f Frame) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "frame %d ", f.Index)
	if f.Type != "" {
		b.WriteString(f.Type + " ")
	}
	fmt.Fprintf(&b, "%dB %s", f.Length, f.payload())
	if !f.Split() {
		fmt.Fprintf(&b, " in piece %d", f.FirstPiece)
	} else {
		fmt.Fprintf(&b, " straddles pieces %d–%d (bytes %s", f.FirstPiece, f.LastPiece, listInts(f.Parts, f.LastPiece-f.FirstPiece+1, "+"))
		if len(f.HeaderParts) > 1 {
			b.WriteString(", header " + joinInts(f.HeaderParts, "+"))
		}
		b.WriteString(")")
	}
	if f.Shared {
		b.WriteString(", shares a piece with another frame")
	}
	return b.String()
}

// payload shows the payload: an ACK's total as a number (its 8 bytes are
// unreadable as text), anything else quoted.
func (f Frame) payload() string {
	if f.Type == "ACK" && f.Length == 8 && len(f.Preview) == 8 {
		return fmt.Sprintf("total %d", binary.BigEndian.Uint64(f.Preview))
	}
	return quote(f.Preview, f.Length > uint64(len(f.Preview)))
}

// frameParser finds frames in a stream fed to it piece by piece. It keeps
// only the header and a short preview, never a payload, so a huge declared
// length costs nothing.
type frameParser struct {
	framing Framing
	count   int
	cur     *Frame
	header  [5]byte
	have    int    // header bytes so far
	left    uint64 // payload bytes still to come once the header is in
}

func newFrameParser(f Framing) *frameParser {
	if f == FramingOff {
		return nil
	}
	return &frameParser{framing: f}
}

// feed takes the next piece, numbered piece and starting at stream offset
// off, and returns the frames that ended in it.
func (p *frameParser) feed(piece []byte, number int, off int64) []Frame {
	if p == nil {
		return nil
	}
	var done []Frame
	for pos := 0; pos < len(piece); {
		if p.cur == nil {
			p.cur = &Frame{Index: p.count + 1, Start: off + int64(pos), FirstPiece: number, Shared: pos > 0}
		}
		take := p.consume(piece[pos:])
		p.cur.Parts = addPart(p.cur.Parts, number, p.cur.FirstPiece, p.cur.LastPiece, take)
		p.cur.LastPiece = number
		pos += take
		if p.have == p.framing.headerLen() && p.left == 0 {
			f := *p.cur
			f.End = off + int64(pos)
			f.Shared = f.Shared || pos < len(piece)
			done = append(done, f)
			p.count++
			p.cur, p.have = nil, 0
		}
	}
	return done
}

// consume takes header or payload bytes of the current frame from b and
// returns how many it took.
func (p *frameParser) consume(b []byte) int {
	hl := p.framing.headerLen()
	if p.have < hl {
		n := copy(p.header[p.have:hl], b)
		p.cur.HeaderParts = append(p.cur.HeaderParts, n)
		p.have += n
		if p.have == hl {
			p.left = uint64(binary.BigEndian.Uint32(p.header[:4]))
			p.cur.Length = p.left
			if p.framing == FramingV1 {
				p.cur.Type = typeName(p.header[4])
			}
		}
		return n
	}
	n := int(min(p.left, uint64(len(b))))
	if room := previewLen - len(p.cur.Preview); room > 0 {
		p.cur.Preview = append(p.cur.Preview, b[:min(n, room)]...)
	}
	p.left -= uint64(n)
	return n
}

// unfinished describes a frame the stream ended inside, or "".
func (p *frameParser) unfinished() string {
	if p == nil || p.cur == nil {
		return ""
	}
	hl := p.framing.headerLen()
	if p.have < hl {
		return fmt.Sprintf("frame %d cut off: %d of %d header bytes", p.cur.Index, p.have, hl)
	}
	return fmt.Sprintf("frame %d cut off: %d of %d payload bytes", p.cur.Index, p.cur.Length-p.left, p.cur.Length)
}

// maxListed is how many piece sizes a line lists: a 1 MiB frame cut into
// 1-byte pieces must not cost a million entries in memory or on screen.
const maxListed = 32

// addPart adds n bytes in piece number to parts, growing the last part when
// the piece is the same one as last time; beyond maxListed parts it only
// counts (in the frame's piece numbers).
func addPart(parts []int, number, first, last, n int) []int {
	switch {
	case len(parts) > 0 && number == last:
		if touched := last - first + 1; touched <= maxListed {
			parts[touched-1] += n
		}
	case len(parts) < maxListed:
		parts = append(parts, n)
	}
	return parts
}

// listInts joins v with sep; when v holds fewer than the total it ends
// with "…" and the total, as in "1|1|1|…(105)".
func listInts(v []int, total int, sep string) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	joined := strings.Join(s, sep)
	if total > len(v) {
		joined += fmt.Sprintf("%s…(%d)", sep, total)
	}
	return joined
}

func joinInts(v []int, sep string) string { return listInts(v, len(v), sep) }

// quote shows bytes in double quotes: printable ASCII as itself (a quote
// or backslash escaped), every other byte as \xNN, with an ellipsis when
// cut. Not strconv.Quote: its escapes read like control characters where
// the bytes are numbers (a length of 8 shown as \b, an ACK total of 10 as
// \n), and it would print a UTF-8 sequence as one character though a piece
// may end in the middle of it.
func quote(b []byte, cut bool) string {
	var s strings.Builder
	s.WriteByte('"')
	for _, c := range b {
		switch {
		case c == '"' || c == '\\':
			s.WriteByte('\\')
			s.WriteByte(c)
		case c >= ' ' && c <= '~':
			s.WriteByte(c)
		default:
			fmt.Fprintf(&s, "\\x%02x", c)
		}
	}
	s.WriteByte('"')
	if cut {
		s.WriteString("…")
	}
	return s.String()
}
