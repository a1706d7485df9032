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

	replaying bool
	replay    []Piece // recorded pieces still to cut
	held      []byte  // bytes waiting for the next recorded piece
	lastAt    int64   // the recorded time of the last replayed piece, µs
	lastWrite time.Time

	offset                    int64 // bytes written so far
	reads, pieces, nframes    int
	splitFrames, sharedFrames int
}

func newPump(s *session, d Direction, src, dst tcpConn, rule shape.Rule, cut *shape.Cutter) *pump {
	p := &pump{s: s, dir: d, src: src, dst: dst, rule: rule, cut: cut,
		frames: newFrameParser(s.p.cfg.Framing), buf: make([]byte, chunkSize)}
	if s.p.cfg.Replay != nil {
		p.replaying = true
		p.replay = s.p.cfg.Replay.pieces(s.id, d)
	}
	return p
}

func (p *pump) run() {
	readErr, writeErr := p.copy()
	p.end(readErr, writeErr)
}

// copy forwards until reading or writing fails; it returns which did.
func (p *pump) copy() (readErr, writeErr error) {
	for {
		chunk, reads, err := p.readChunk()
		p.reads += reads
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
	if err != nil || p.rule.Coalesce <= 0 || p.replaying {
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

// forward writes chunk as pieces and logs it.
func (p *pump) forward(chunk []byte, reads int) error {
	if !p.s.p.sleep(p.rule.Delay) {
		return net.ErrClosed
	}
	if p.replaying {
		return p.forwardReplay(chunk, reads)
	}
	sizes := p.cut.Cut(len(chunk))
	var frames []Frame
	for i, off := 0, 0; i < len(sizes); i++ {
		if i > 0 && !p.s.p.sleep(p.rule.Gap) {
			return net.ErrClosed
		}
		f, err := p.writePiece(chunk[off : off+sizes[i]])
		if err != nil {
			return err
		}
		frames = append(frames, f...)
		off += sizes[i]
	}
	p.logChunk(chunk, reads, sizes, "", frames)
	return nil
}

// forwardReplay cuts at the recorded offsets: it holds bytes until the next
// recorded piece is complete, waits the recorded gap, and writes it.
func (p *pump) forwardReplay(chunk []byte, reads int) error {
	p.held = append(p.held, chunk...)
	var sizes []int
	var frames []Frame
	for len(p.replay) > 0 && p.replay[0].Size <= len(p.held) {
		next := p.replay[0]
		p.replay = p.replay[1:]
		if len(sizes) > 0 || p.pieces > 0 {
			gap := min(time.Duration(next.Micros-p.lastAt)*time.Microsecond, maxReplayGap)
			if !p.s.p.sleep(time.Until(p.lastWrite.Add(gap))) {
				return net.ErrClosed
			}
		}
		p.lastAt = next.Micros
		f, err := p.writeHeld(next.Size)
		if err != nil {
			return err
		}
		sizes, frames = append(sizes, next.Size), append(frames, f...)
	}
	note := "replay"
	if len(p.replay) == 0 && len(p.held) > 0 {
		size := len(p.held)
		f, err := p.writeHeld(size)
		if err != nil {
			return err
		}
		sizes, frames = append(sizes, size), append(frames, f...)
		note = "past the end of the recording: forwarded whole"
	} else if len(p.held) > 0 {
		note = fmt.Sprintf("replay; %dB wait for the next recorded piece", len(p.held))
	}
	p.logChunk(chunk, reads, sizes, note, frames)
	return nil
}

// writeHeld writes the first n held bytes as one piece.
func (p *pump) writeHeld(n int) ([]Frame, error) {
	frames, err := p.writePiece(p.held[:n])
	p.held = append(p.held[:0], p.held[n:]...)
	return frames, err
}

// flushHeld writes what a replay still holds when the stream ends.
func (p *pump) flushHeld() error {
	if len(p.held) == 0 {
		return nil
	}
	size := len(p.held)
	frames, err := p.writeHeld(size)
	p.logChunk(nil, 0, []int{size}, "end of stream: held bytes forwarded", frames)
	return err
}

// writePiece writes one piece with one Write, records and draws it, and
// returns the frames that ended in it.
func (p *pump) writePiece(piece []byte) ([]Frame, error) {
	n, err := p.dst.Write(piece)
	if err != nil {
		return nil, err
	}
	p.lastWrite = time.Now()
	p.pieces++
	p.s.p.cfg.Record.record(Piece{Conn: p.s.id, Dir: p.dir.Name(), Offset: p.offset, Size: n,
		Micros: time.Since(p.s.start).Microseconds()})
	frames := p.frames.feed(piece, p.pieces, p.offset)
	p.s.draw.piece(p.dir, p.offset, piece, frames)
	p.offset += int64(n)
	if after := p.s.p.cfg.AfterPiece; after != nil {
		after(p.dir, p.offset)
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
	return frames, nil
}

func (p *pump) logChunk(chunk []byte, reads int, sizes []int, note string, frames []Frame) {
	log := p.s.p.cfg.Log
	if log == nil {
		return
	}
	log.lines(p.dir, log.chunkLines(p.s.prefix()+" "+p.dir.String(), chunk, reads, sizes, note, frames)...)
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
		if err := p.flushHeld(); err != nil {
			p.note("write failed (%v): resetting the sender", err)
			reset(p.src)
			return
		}
		p.dst.CloseWrite()
		p.note("EOF: half-close forwarded")
	case errors.Is(readErr, syscall.ECONNRESET):
		reset(p.dst)
		p.note("reset: forwarded as a reset")
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
	line := fmt.Sprintf("%s %s closed: %dB in %s, %s", p.s.prefix(), p.dir, p.offset,
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
