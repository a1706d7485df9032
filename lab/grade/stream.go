package grade

import (
	"math/rand/v2"
	"net"
	"time"

	"bytestream/lab/proxy"
)

// stream is what one connection sends: the bytes, where each message ends,
// and how a failure names each message.
type stream struct {
	wire  []byte
	ends  []int // offset just past each message
	names []string
}

func (s *stream) add(name string, b []byte) {
	s.wire = append(s.wire, b...)
	s.ends = append(s.ends, len(s.wire))
	s.names = append(s.names, name)
}

// start returns the offset where message i begins.
func (s *stream) start(i int) int {
	if i == 0 {
		return 0
	}
	return s.ends[i-1]
}

// frameStream puts requests on the wire.
func frameStream(reqs []frame) *stream {
	s := &stream{}
	for _, r := range reqs {
		s.add(r.String(), r.encode(nil))
	}
	return s
}

// randomCuts returns seeded cut offsets for n bytes, pieces of lo to hi
// bytes: where a new Write starts.
func randomCuts(rng *rand.Rand, n, lo, hi int) []int {
	var cuts []int
	for at := lo + rng.IntN(hi-lo+1); at < n; at += lo + rng.IntN(hi-lo+1) {
		cuts = append(cuts, at)
	}
	return cuts
}

// sendCut writes wire with one Write per piece, a new piece starting at each
// cut, pausing gap between pieces so that the server reads them apart. It
// returns the pieces written, in the lab proxy's -record format, so the
// same cut can be replayed by hand.
func sendCut(c net.Conn, wire []byte, cuts []int, gap time.Duration) ([]proxy.Piece, error) {
	began := time.Now()
	var pieces []proxy.Piece
	from := 0
	for i := 0; i <= len(cuts); i++ {
		to := len(wire)
		if i < len(cuts) {
			to = cuts[i]
		}
		if i > 0 && gap > 0 {
			time.Sleep(gap)
		}
		for from < to { // a replayed piece is at most 64 KiB
			n := min(to-from, maxPiece)
			pieces = append(pieces, proxy.Piece{Dir: "up", Offset: int64(from), Size: n, Micros: time.Since(began).Microseconds()})
			if _, err := c.Write(wire[from : from+n]); err != nil {
				return pieces, err
			}
			from += n
		}
	}
	return pieces, nil
}

// maxPiece is the largest piece lab proxy -replay takes.
const maxPiece = 64 << 10

// everyCut returns, for a stream of n bytes, the single cuts 1 … n-1 and
// then every byte on its own.
func everyCut(n int) [][]int {
	var all [][]int
	for at := 1; at < n; at++ {
		all = append(all, []int{at})
	}
	bytewise := make([]int, 0, n)
	for at := 1; at < n; at++ {
		bytewise = append(bytewise, at)
	}
	return append(all, bytewise)
}
