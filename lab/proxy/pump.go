package proxy

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"

	"bytestream/lab/shape"
)

// chunkSize is the most a pump reads at once.
const chunkSize = 64 << 10

// maxReplayGap caps a pause taken from a recording, so a recording of a
// session where someone paused to think replays without the thinking.
const maxReplayGap = time.Second

// pump forwards one direction of a session: it reads a chunk, cuts it into
// pieces, writes each piece with one Write, and logs what it did.
type pump struct {
	s        *session
	dir      Direction
	src, dst tcpConn
	rule     shape.Rule
	cut      *shape.Cutter
	frames   *frameParser
	buf      []byte

	replay    []Piece // recorded pieces still to cut, when replaying
	held      []byte  // bytes waiting for the next recorded piece
	release   int     // held bytes the current plan uses
	lastAt    int64   // the recorded time of the last replayed piece, µs
	lastWrite time.Time

	readAt                    time.Time // when the chunk being forwarded was read
	offset                    int64     // bytes cut into pieces so far
	written                   int64     // bytes written so far
	reads, pieces, nframes    int
	splitFrames, sharedFrames int
}

func newPump(s *session, d Direction, src, dst tcpConn, rule shape.Rule, cut *shape.Cutter) *pump {
	p := &pump{s: s, dir: d, src: src, dst: dst, rule: rule, cut: cut,
		frames: newFrameParser(s.p.cfg.Framing), buf: make([]byte, chunkSize),
		replay: s.p.cfg.Replay.pieces(s.id, d)} // nil when not replaying
	if p.replaying() {
		p.rule = shape.Rule{} // the recording decides every cut and pause; no rule applies
	}
	return p
}

// replaying reports whether the pump cuts as recorded instead of by its rule.
func (p *pump) replaying() bool { return p.s.p.cfg.Replay != nil }

func (p *pump) run() {
	readErr, writeErr := p.copy()
	if readErr == io.EOF {
		writeErr = p.flushHeld() // what a replay still holds goes before the EOF
	}
	p.end(readErr, writeErr)
}

// copy forwards until reading or writing fails; it returns which did.
func (p *pump) copy() (readErr, writeErr error) {
	for {
		chunk, reads, err := p.readChunk()
		p.reads += reads
		p.readAt = time.Now()
		if len(chunk) > 0 {
			if werr := p.forward(chunk, reads); werr != nil {
				return nil, werr
			}
		}
		if err != nil {
			return err, nil
		}
	}
}

// readChunk reads what has arrived. With a coalescing rule it keeps reading
// until the window after the first byte closes, so the batch leaves as one.
func (p *pump) readChunk() ([]byte, int, error) {
	n, err := p.src.Read(p.buf)
	reads := min(n, 1)
	if err != nil || p.rule.Coalesce <= 0 {
		return p.buf[:n], reads, err
	}
	p.src.SetReadDeadline(time.Now().Add(p.rule.Coalesce))
	for n < len(p.buf) && err == nil {
		var m int
		m, err = p.src.Read(p.buf[n:])
		n += m
		reads += min(m, 1)
	}
	p.src.SetReadDeadline(time.Time{})
	if errors.Is(err, os.ErrDeadlineExceeded) {
		err = nil // the window closed: that is the point, not a failure
	}
	return p.buf[:n], reads, err
}

// forward cuts chunk into pieces, logs the cut, then writes the pieces.
// Logging before writing keeps the log in causal order: the server cannot
// answer a piece the log has not shown yet.
func (p *pump) forward(chunk []byte, reads int) error {
	if !p.s.p.sleep(p.rule.Delay) {
		return net.ErrClosed
	}
	var plan []planned
	note := ""
	if p.replaying() {
		plan, note = p.planReplay(chunk)
	} else {
		off := 0
		for i, size := range p.cut.Cut(len(chunk)) {
			gap := p.rule.Gap
			if i == 0 {
				gap = 0
			}
			plan = append(plan, planned{bytes: chunk[off : off+size], gap: gap})
			off += size
		}
	}
	p.logPlan(chunk, reads, plan, note)
	return p.write(plan)
}

// planned is a piece about to be written, and the pause before it.
type planned struct {
	bytes []byte
	gap   time.Duration
}

// planReplay cuts at the recorded offsets: it holds bytes until the next
// recorded piece is complete, and paces pieces by the recorded times.
func (p *pump) planReplay(chunk []byte) ([]planned, string) {
	p.held = append(p.held, chunk...)
	var plan []planned
	used := 0
	for len(p.replay) > 0 && p.replay[0].Size <= len(p.held)-used {
		next := p.replay[0]
		p.replay = p.replay[1:]
		gap := time.Duration(0)
		if next.Offset > 0 {
			gap = min(time.Duration(next.Micros-p.lastAt)*time.Microsecond, maxReplayGap)
		}
		p.lastAt = next.Micros
		plan = append(plan, planned{bytes: p.held[used : used+next.Size], gap: gap})
		used += next.Size
	}
	note := "replay"
	switch rest := len(p.held) - used; {
	case rest > 0 && len(p.replay) == 0:
		plan = append(plan, planned{bytes: p.held[used:]})
		used = len(p.held)
		note = "past the end of the recording: forwarded whole"
	case rest > 0:
		note = fmt.Sprintf("replay; %dB wait for the next recorded piece", rest)
	}
	// The plan points into held; keep those bytes until written.
	p.release = used
	return plan, note
}

// write writes each planned piece with one Write, after its gap.
func (p *pump) write(plan []planned) error {
	defer p.releaseHeld()
	for _, piece := range plan {
		if piece.gap > 0 && !p.s.p.sleep(time.Until(p.lastWrite.Add(piece.gap))) {
			return net.ErrClosed
		}
		n, err := p.dst.Write(piece.bytes)
		if err != nil {
			return err
		}
		rec := p.s.p.cfg.Record
		if rec.record(Piece{Conn: p.s.id, Dir: p.dir.Name(), Offset: p.written, Size: n,
			Micros: time.Since(p.s.start).Microseconds()}) {
			p.s.logf("record: %v", rec.Err())
		}
		p.lastWrite = time.Now()
		p.written += int64(n)
		if after := p.s.p.cfg.AfterPiece; after != nil {
			after(p.dir, p.written)
		}
	}
	return nil
}

// releaseHeld drops the held bytes a replay plan has written.
func (p *pump) releaseHeld() {
	p.held = append(p.held[:0], p.held[p.release:]...)
	p.release = 0
}

// flushHeld writes what a replay still holds when the stream ends.
func (p *pump) flushHeld() error {
	if len(p.held) == 0 {
		return nil
	}
	plan := []planned{{bytes: p.held}}
	p.release = len(p.held)
	p.logPlan(nil, 0, plan, "end of stream: held bytes forwarded")
	return p.write(plan)
}

// logPlan numbers the planned pieces, finds the frames that end in them,
// counts and draws them, and logs the chunk.
func (p *pump) logPlan(chunk []byte, reads int, plan []planned, note string) {
	sizes := make([]int, len(plan))
	var frames []Frame
	for i, piece := range plan {
		sizes[i] = len(piece.bytes)
		p.pieces++
		found := p.frames.feed(piece.bytes, p.pieces, p.offset)
		p.s.draw.piece(p.dir, p.offset, piece.bytes, found)
		p.offset += int64(len(piece.bytes))
		frames = append(frames, found...)
	}
	for _, f := range frames {
		p.nframes++
		if f.Split() {
			p.splitFrames++
		}
		if f.Shared {
			p.sharedFrames++
		}
	}
	p.logChunk(chunk, reads, sizes, note, frames)
}

func (p *pump) logChunk(chunk []byte, reads int, sizes []int, note string, frames []Frame) {
	log := p.s.p.cfg.Log
	if log == nil {
		return
	}
	log.lines(p.dir, log.chunkLines(p.s.prefixAt(p.readAt)+" "+p.dir.String(), chunk, reads, sizes, note, frames)...)
}

// end forwards how the stream ended: EOF as a half-close, a reset as a
// reset. A failed write means the receiver is gone, so the sender is reset.
func (p *pump) end(readErr, writeErr error) {
	switch {
	case errors.Is(readErr, net.ErrClosed) || errors.Is(writeErr, net.ErrClosed):
		// The proxy is closing, or the other direction already ended the session.
	case writeErr != nil:
		p.note("write failed (%v): resetting the sender", writeErr)
		reset(p.src)
	case readErr == io.EOF:
		p.note("EOF: half-close forwarded")
		p.dst.CloseWrite()
	case errors.Is(readErr, syscall.ECONNRESET):
		p.note("reset: forwarded as a reset")
		reset(p.dst)
	default:
		p.note("read failed (%v): closing", readErr)
		p.dst.Close()
	}
}

func (p *pump) note(format string, args ...any) {
	p.s.p.cfg.Log.lines(p.dir, p.s.prefix()+" "+p.dir.String()+" "+fmt.Sprintf(format, args...))
}

// reset closes c so that the peer gets a RST instead of a FIN.
func reset(c tcpConn) {
	c.SetLinger(0)
	c.Close()
}

// summary is the line logged when the session ends.
func (p *pump) summary() string {
	line := fmt.Sprintf("%s %s closed: %dB in %s, %s", p.s.prefix(), p.dir, p.written,
		plural(p.reads, "read"), plural(p.pieces, "piece"))
	if p.frames != nil {
		line += fmt.Sprintf(", %s (%d split across pieces, %d sharing a piece)",
			plural(p.nframes, "frame"), p.splitFrames, p.sharedFrames)
		if cut := p.frames.unfinished(); cut != "" {
			line += "; " + cut
		}
	}
	return line
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
