package grade

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"

	"bytestream/lab/proxy"
	"bytestream/lab/shape"
)

// maxAnswer bounds the answers the grader reads: the largest is a PONG
// echoing the largest PING it sends.
const maxAnswer = 1 << 20

// readAnswer reads one frame from r.
func readAnswer(r io.Reader) (frame, error) {
	var h [headerSize]byte
	if n, err := io.ReadFull(r, h[:]); err != nil {
		if n > 0 {
			return frame{}, fmt.Errorf("the stream ended %d bytes into an answer's header: %w", n, err)
		}
		return frame{}, err
	}
	size := binary.BigEndian.Uint32(h[:4])
	if size > maxAnswer {
		return frame{}, fmt.Errorf("an answer declared %d bytes, more than any answer to the grader's requests", size)
	}
	f := frame{typ: h[4], payload: make([]byte, size)}
	if n, err := io.ReadFull(r, f.payload); err != nil {
		return frame{}, fmt.Errorf("the stream ended %d of %d bytes into a %s answer: %w", n, size, typeName(f.typ), err)
	}
	return f, nil
}

// readCuts is how answers are read back: in pieces of 1 to 7 bytes, so a
// server's answers are checked for content, never for how they were cut.
var readCuts = shape.Rule{SplitMin: 1, SplitMax: 7}

// exchange sends reqs on c, cut at cuts with gap between pieces, while it
// reads the answers back through cuts, and checks each against
// docs/protocol.md. The writes run beside the reads, so thousands of
// requests can be pipelined without either side stalling.
func (t *T) exchange(c *net.TCPConn, reqs []frame, cuts []int, gap time.Duration) error {
	s := frameStream(reqs)
	want := answers(reqs)
	c.SetDeadline(t.deadline)
	type sent struct {
		pieces []proxy.Piece
		err    error
	}
	wrote := make(chan sent, 1)
	go func() {
		pieces, err := sendCut(c, s.wire, cuts, gap)
		wrote <- sent{pieces, err}
	}()
	got, err := t.readAnswers(c, want)
	if err != nil {
		c.Close() // unblocks the writer
	}
	w := <-wrote
	if err == nil && w.err != nil {
		err = fmt.Errorf("write: %w", w.err)
	}
	if err == nil {
		return nil
	}
	at := min(len(got), len(want)-1)
	f := &Failure{Summary: err.Error(), sent: s, cuts: cuts, gap: gap, at: at, pieces: w.pieces,
		want: describeAll(want), got: describeAll(got)}
	return f
}

// readAnswers reads len(want) answers and stops at the first wrong one.
func (t *T) readAnswers(c net.Conn, want []frame) ([]frame, error) {
	r := shape.NewReader(c, readCuts, t.seed)
	var got []frame
	for i, w := range want {
		a, err := readAnswer(r)
		if err != nil {
			return got, t.answerError(err, i, len(want))
		}
		got = append(got, a)
		if !w.matches(a) {
			return got, fmt.Errorf("answer #%d is %s, not %s", i+1, a, describeAnswer(w))
		}
	}
	return got, nil
}

// answerError explains why answer i of n did not come.
func (t *T) answerError(err error, i, n int) error {
	switch {
	case errors.Is(err, io.EOF):
		return fmt.Errorf("the server closed the connection after %d of %d answers", i, n)
	case isReset(err):
		return fmt.Errorf("the server reset the connection after %d of %d answers", i, n)
	case errors.Is(err, os.ErrDeadlineExceeded), t.timedOut(err):
		return fmt.Errorf("answer #%d of %d did not come within %v", i+1, n, t.timeout)
	}
	return fmt.Errorf("answer #%d of %d: %w", i+1, n, err)
}

// timedOut reports whether err is the check's deadline closing the
// connection (onConn), which can win the race with the read's own deadline
// at the same instant: "use of closed network connection" would hide that
// the answer simply never came.
func (t *T) timedOut(err error) bool {
	return errors.Is(err, net.ErrClosed) && errors.Is(t.ctx.Err(), context.DeadlineExceeded)
}

func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func describeAll(fs []frame) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = describeAnswer(f)
	}
	return out
}
