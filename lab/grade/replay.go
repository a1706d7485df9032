package grade

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"bytestream/lab/proxy"
)

// replayFiles writes, for a failing check, the bytes it sent and its cuts
// in lab proxy's -record format, and says how to replay them by hand.
type replayFiles struct {
	dir   string
	stage *Stage
	addr  string // the server already running, or "" when the grader started it
}

// The addresses a replay suggests when the grader started the server:
// the steps' default and the lab proxy's.
const (
	replayServer    = "127.0.0.1:9000"
	replayProxyHost = "127.0.0.1"
	replayProxyPort = "9001"
)

// write saves f's stream and cuts and returns the replay instructions, or
// a line saying why there are none.
func (r *replayFiles) write(name string, f *Failure) []string {
	if r.dir == "" {
		dir, err := os.MkdirTemp("", "lab-grade-")
		if err != nil {
			return []string{fmt.Sprintf("(no replay files: %v)", err)}
		}
		r.dir = dir
	} else if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return []string{fmt.Sprintf("(no replay files: %v)", err)}
	}
	base := filepath.Join(r.dir, fmt.Sprintf("stage%d-%s", r.stage.Number, name))
	pieces := f.pieces
	if pieces == nil {
		pieces = piecesAt(len(f.sent.wire), f.cuts, f.gap)
	}
	var rec []byte
	for _, p := range pieces {
		line, _ := json.Marshal(p) // a Piece always marshals
		rec = append(append(rec, line...), '\n')
	}
	if err := os.WriteFile(base+".bin", f.sent.wire, 0o644); err != nil {
		return []string{fmt.Sprintf("(no replay files: %v)", err)}
	}
	if err := os.WriteFile(base+".jsonl", rec, 0o644); err != nil {
		return []string{fmt.Sprintf("(no replay files: %v)", err)}
	}
	server, first := r.addr, fmt.Sprintf("with your server running on %s:", r.addr)
	if server == "" {
		server, first = replayServer, fmt.Sprintf("start your server on %s, then:", replayServer)
	}
	return []string{first,
		fmt.Sprintf("go run ./lab proxy -listen %s:%s -upstream %s -frames %s -replay %s.jsonl", replayProxyHost, replayProxyPort, server, r.stage.Framing, base),
		fmt.Sprintf("nc %s %s < %s.bin", replayProxyHost, replayProxyPort, base),
		"(the proxy replays by connection number: start it afresh for each try)",
	}
}

// piecesAt turns cut offsets into recorded pieces, gap apart.
func piecesAt(n int, cuts []int, gap time.Duration) []proxy.Piece {
	var pieces []proxy.Piece
	from := 0
	for i := 0; i <= len(cuts); i++ {
		to := n
		if i < len(cuts) {
			to = cuts[i]
		}
		for from < to {
			size := min(to-from, maxPiece)
			pieces = append(pieces, proxy.Piece{Dir: "up", Offset: int64(from), Size: size, Micros: int64(i) * gap.Microseconds()})
			from += size
		}
	}
	return pieces
}
