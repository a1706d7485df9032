package grade

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"
)

// The checks of stages 4 and 5: what a server that answers must do beyond
// keeping frames apart.

var checkPipelined = check{"pipelined", "thousands of requests written before any answer is read, on 3 connections at once", func(t *T) error {
	return t.parallel(3, func(t *T, c connection) error {
		reqs := make([]frame, 5000)
		for i := range reqs {
			switch t.rng.IntN(3) {
			case 0:
				reqs[i] = frame{typeText, []byte(randomText(t.rng, 40))}
			case 1:
				reqs[i] = frame{typeData, randomBytes(t.rng, t.rng.IntN(200))}
			default:
				reqs[i] = frame{typePing, binary.BigEndian.AppendUint64(nil, uint64(i))}
			}
		}
		return t.exchange(c, reqs, randomCuts(t.rng, len(frameStream(reqs).wire), 1, 4096), 0)
	})
}, nil}

// badRequests are the message errors of docs/protocol.md, between two
// TEXT frames whose ACKs show that nothing was counted.
var badRequests = []frame{
	{typeText, []byte("a")},
	{0x42, []byte("unknown type")},
	{typePong, []byte("p")},
	{typeAck, make([]byte, 8)},
	{typeError, []byte("e")},
	{typeText, []byte("caf\xe9")}, // Latin-1, not UTF-8
	{0x00, nil},
	{typeText, []byte("b")},
}

var checkMessageErrors = check{"message-errors", "unknown types, server-only types and invalid UTF-8 each get an ERROR; the connection stays and nothing is counted", func(t *T) error {
	if err := t.stopAndWait(badRequests); err != nil {
		return err
	}
	return t.onConn(func(t *T, c connection) error {
		reqs := append(append([]frame(nil), badRequests...), badRequests...)
		return t.exchange(c, reqs, randomCuts(t.rng, len(frameStream(reqs).wire), 1, 9), randomGap)
	})
}, nil}

var checkBigFrames = check{"big-frames", "DATA and TEXT of megabytes, pipelined and cut, counted exactly", func(t *T) error {
	return t.onConn(func(t *T, c connection) error {
		reqs := []frame{
			{typeData, randomBytes(t.rng, 4<<20)},
			{typeText, []byte(strings.Repeat("big text ", 1<<17))},
			{typePing, randomBytes(t.rng, 64<<10)},
			{typeData, randomBytes(t.rng, 3<<20+17)},
			{typeText, []byte("small")},
		}
		return t.exchange(c, reqs, randomCuts(t.rng, len(frameStream(reqs).wire), 1, maxPiece), 0)
	})
}, nil}

var checkPingPong = check{"ping-pong", "500 PINGs, each waiting for its PONG: answers go out without waiting for more requests", func(t *T) error {
	reqs := make([]frame, 500)
	for i := range reqs {
		reqs[i] = frame{typePing, binary.BigEndian.AppendUint64(nil, uint64(i+1))}
	}
	return t.stopAndWait(reqs)
}, nil}

// oversize is a header declaring 4 GiB − 1 bytes, the most a length can
// say, followed by some of that payload.
func oversize(typ byte) []byte {
	b := append([]byte{0xff, 0xff, 0xff, 0xff}, typ)
	return append(b, make([]byte, 64<<10)...)
}

// Memory growth the limit check tolerates: resident memory grows by a few
// MiB on any work; mapping the declared 4 GiB shows in virtual memory even
// untouched.
const (
	maxRSSGrowth     = 8 << 20
	maxVirtualGrowth = 1 << 30
)

var checkLimit = check{"limit", "a length of 4 GiB − 1 is refused: the connection closed, no reading on, no memory spent, others still served", func(t *T) error {
	return t.refuseOversize(false)
}, nil}

var checkErrorBeforeClose = check{"error-before-close", "the refused length is answered with an ERROR before the close", func(t *T) error {
	return t.refuseOversize(true)
}, nil}

// refuseOversize sends an oversize header and expects the server to hang
// up, after an ERROR when needsError, and to serve a new connection after.
func (t *T) refuseOversize(needsError bool) error {
	before, measured := t.memory()
	if measured {
		resetPeaks(t.target.proc.cmd.Process.Pid)
	}
	err := t.onConn(func(t *T, c connection) error {
		typ := byte(typeData)
		if t.stage.printing != nil {
			typ = 0 // stage 3 frames have no type: this is a payload byte
		}
		s := &stream{}
		s.add(fmt.Sprintf("length %d", uint32(0xffffffff)), oversize(typ)[:4])
		s.add("64 KiB of the payload", oversize(typ)[4:])
		c.SetDeadline(t.deadline)
		go c.Write(s.wire) // the server may hang up before it is all sent
		return t.expectHangUp(c, s, needsError)
	})
	if err != nil {
		return err
	}
	if measured {
		after, _ := t.memory()
		if grew := after.peakRSS - before.rss; grew > maxRSSGrowth {
			return failf("the server's resident memory grew by %s after the oversized header (more than %s): it allocated before checking the length", mib(grew), mib(maxRSSGrowth))
		}
		if grew := after.peakVirtual - before.virtual; grew > maxVirtualGrowth {
			return failf("the server mapped %s more memory after the oversized header: it allocated the declared length before checking it", mib(grew))
		}
	}
	if err := t.stillServing(); err != nil {
		return failf("after refusing the oversized header, the server did not serve a new connection: %v", err)
	}
	return nil
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// memory measures the server's process group, when the grader started it
// and the system says.
func (t *T) memory() (memory, bool) {
	if t.target.proc == nil || runtime.GOOS != "linux" {
		return memory{}, false
	}
	return groupMemory(t.target.proc.cmd.Process.Pid)
}

// expectHangUp reads until the server closes c: an ERROR may (or, with
// needsError, must) come first; anything else is wrong.
func (t *T) expectHangUp(c connection, s *stream, needsError bool) error {
	fail := func(format string, args ...any) error {
		f := failf(format, args...)
		f.sent, f.at = s, 0
		return f
	}
	var got frame
	var err error
	if t.stage.printing != nil {
		_, err = io.Copy(io.Discard, c)
		if err == nil {
			err = io.EOF
		}
	} else {
		got, err = readAnswer(c)
	}
	switch {
	case err == nil && got.typ != typeError:
		return fail("the server answered %s to a frame it cannot accept; want it to hang up", got)
	case err == nil:
		_, err = readAnswer(c)
		if err == nil {
			return fail("after its ERROR the server sent more; want it to hang up")
		}
	case needsError && (errors.Is(err, io.EOF) || isReset(err)):
		return fail("the server hung up without an ERROR saying why (docs/protocol.md: framing errors get one ERROR, then the close)")
	}
	switch {
	case errors.Is(err, io.EOF), isReset(err):
		return nil
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fail("the connection was still open %v after a header declaring 4 GiB − 1 bytes: the server is reading on", t.timeout)
	}
	return fail("reading the refusal: %v", err)
}

// stillServing checks the server with one fresh exchange.
func (t *T) stillServing() error {
	if t.stage.printing != nil {
		return t.printExchange([]string{"still here"}, nil, 0, false)
	}
	return t.onConn(func(t *T, c connection) error {
		return t.exchange(c, []frame{{typeText, []byte("still here")}}, nil, 0)
	})
}

// expectClose waits for the server to close c, and reports how long it took.
func expectClose(c connection, deadline time.Time) (time.Duration, error) {
	start := time.Now()
	c.SetReadDeadline(deadline)
	for {
		a, err := readAnswer(c)
		switch {
		case err == nil && a.typ == typeError:
			continue // a framing error may be explained first
		case err == nil:
			return time.Since(start), fmt.Errorf("the server sent %s instead of closing", a)
		case errors.Is(err, io.EOF), isReset(err):
			return time.Since(start), nil
		}
		return time.Since(start), err
	}
}
