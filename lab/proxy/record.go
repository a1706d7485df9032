package proxy

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
)

// Piece is one write the proxy made: a line of a -record file.
type Piece struct {
	Conn   int    `json:"conn"`   // connection number, from 0
	Dir    string `json:"dir"`    // "up" (client→server) or "down"
	Offset int64  `json:"offset"` // stream offset of the piece's first byte
	Size   int    `json:"size"`
	Micros int64  `json:"us"` // when it was written, µs after the connection opened
}

// Recorder writes pieces as JSON lines, one Write per line. A write that
// fails (a full disk) stops the recording: the file would have a hole, and a
// replay of it would cut in the wrong places. Err reports it.
type Recorder struct {
	mu  sync.Mutex
	w   io.Writer
	err error
}

// NewRecorder returns a Recorder writing to w.
func NewRecorder(w io.Writer) *Recorder { return &Recorder{w: w} }

// record writes p and reports whether this call found the recording broken
// for the first time, so that the caller logs it once.
func (r *Recorder) record(p Piece) (failed bool) {
	if r == nil {
		return false
	}
	line, _ := json.Marshal(p) // a Piece always marshals
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return false
	}
	if _, err := r.w.Write(append(line, '\n')); err != nil {
		r.err = fmt.Errorf("recording stopped at conn %d %s offset %d: %w", p.Conn, p.Dir, p.Offset, err)
		return true
	}
	return false
}

// Err returns the write error that stopped the recording, or nil.
func (r *Recorder) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Schedule is a recording read back: the pieces of each connection and
// direction, in order.
type Schedule map[int]map[string][]Piece

// ReadSchedule parses a -record file. Lines must be in stream order per
// connection and direction, as the proxy writes them.
func ReadSchedule(r io.Reader) (Schedule, error) {
	s := Schedule{}
	sc := bufio.NewScanner(r)
	line := 1
	for ; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var p Piece
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if err := s.add(p); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			// The proxy writes lines of about 60 bytes; this is not a recording.
			return nil, fmt.Errorf("line %d: longer than %d KiB: not a line the proxy records", line, bufio.MaxScanTokenSize/1024)
		}
		return nil, fmt.Errorf("line %d: %w", line, err)
	}
	return s, nil
}

// add appends p after checking that it continues its stream.
func (s Schedule) add(p Piece) error {
	if p.Dir != "up" && p.Dir != "down" {
		return fmt.Errorf("dir %q is neither up nor down", p.Dir)
	}
	if p.Size <= 0 || p.Size > chunkSize {
		// The proxy never writes more than one chunk at once; a larger size
		// would make a replay hold bytes without limit.
		return fmt.Errorf("size %d is not between 1 and %d", p.Size, chunkSize)
	}
	if s[p.Conn] == nil {
		s[p.Conn] = map[string][]Piece{}
	}
	prev := s[p.Conn][p.Dir]
	want := int64(0)
	if len(prev) > 0 {
		want = prev[len(prev)-1].Offset + int64(prev[len(prev)-1].Size)
	}
	if p.Offset != want {
		return fmt.Errorf("conn %d %s: offset %d, want %d (pieces must follow each other)", p.Conn, p.Dir, p.Offset, want)
	}
	s[p.Conn][p.Dir] = append(prev, p)
	return nil
}

// pieces returns the recorded pieces of one connection and direction.
func (s Schedule) pieces(conn int, d Direction) []Piece {
	return s[conn][d.Name()]
}
