package grade

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// printFormat is how a printing stage (1–3) puts a message on the wire
// and which messages it can carry. The server answers nothing; it prints
// `received "…"` per message, and the grader reads its stdout.
type printFormat struct {
	encode  func(msg string) []byte
	framing string // lab proxy -frames for a replay
	maxLen  int    // longest message, in bytes
	accept  func(want, got string) bool
}

func exactly(want, got string) bool { return want == got }

var newlines = printFormat{
	encode:  func(m string) []byte { return []byte(m + "\n") },
	framing: "off",
	maxLen:  60,
	// A server may print a message with or without its newline: both
	// show where it ended.
	accept: func(want, got string) bool { return got == want || got == want+"\n" },
}

// recordSize is chapter 02's record: 32 bytes, padded with zero bytes.
const recordSize = 32

var records = printFormat{
	encode: func(m string) []byte {
		rec := make([]byte, recordSize)
		copy(rec, m)
		return rec
	},
	framing: "off",
	maxLen:  recordSize,
	accept:  exactly,
}

var lengthPrefixed = printFormat{
	encode:  func(m string) []byte { return append(binary.BigEndian.AppendUint32(nil, uint32(len(m))), m...) },
	framing: "len4",
	maxLen:  300,
	accept:  exactly,
}

// stream puts msgs on the wire.
func (p *printFormat) stream(msgs []string) *stream {
	s := &stream{}
	for _, m := range msgs {
		s.add(shorten(strconv.Quote(m), len(m)), p.encode(m))
	}
	return s
}

// messageRunes are what random messages are made of: printable text with
// the characters quoting must get right, and one two-byte letter.
var messageRunes = []rune(`abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?'"\-é`)

// randomMessages returns n seeded messages that fit the format.
func (p *printFormat) randomMessages(rng *rand.Rand, n int) []string {
	msgs := make([]string, n)
	for i := range msgs {
		var b strings.Builder
		size := 1 + rng.IntN(p.maxLen)
		for b.Len() < size {
			r := messageRunes[rng.IntN(len(messageRunes))]
			if b.Len()+len(string(r)) > p.maxLen {
				break
			}
			b.WriteRune(r)
		}
		msgs[i] = b.String()
	}
	return msgs
}

// linesGrace is how long the grader still waits for lines once the server
// has closed the connection: they were written before the close, so they
// only need to come through the pipe.
const linesGrace = time.Second

// printExchange sends msgs on one connection, cut at cuts with gap between
// pieces, half-closes, and checks that the server printed exactly msgs.
// With stepwise, each message is its own write and waits for its line
// before the next goes out.
func (t *T) printExchange(msgs []string, cuts []int, gap time.Duration, oneByOne bool) error {
	lines := t.target.lines
	p := t.stage.printing
	s := p.stream(msgs)
	c, err := t.target.dial(t.ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	mark := lines.mark()
	fail := func(summary string, got []string, at int) *Failure {
		f := &Failure{Summary: summary, sent: s, cuts: cuts, gap: gap, at: at, want: quoteAll(msgs), got: quoteAll(got)}
		if oneByOne {
			f.how = stepwise
		}
		return f
	}
	if oneByOne {
		cuts = s.ends[:len(s.ends)-1]
		for i := range msgs {
			if _, err := c.Write(s.wire[s.start(i):s.ends[i]]); err != nil {
				return fail(fmt.Sprintf("write message #%d: %v", i+1, err), nil, i)
			}
			got := lines.await(mark, msgs[:i+1], p.accept, t.deadline, nil)
			if len(got) <= i || firstMismatch(msgs, got, p.accept) >= 0 {
				return t.judgeLines(fail, msgs, got)
			}
		}
		c.CloseWrite()
		return nil
	}
	pieces, err := sendCut(c, s.wire, cuts, gap)
	if err != nil {
		return fail(fmt.Sprintf("write: %v", err), nil, -1)
	}
	c.CloseWrite()
	// Once the server closes its side, the lines it printed are on their
	// way: no need to wait for the whole timeout.
	sooner := make(chan time.Time, 1)
	go func() {
		io.Copy(io.Discard, c)
		time.Sleep(linesGrace)
		sooner <- time.Now()
	}()
	got := lines.await(mark, msgs, p.accept, t.deadline, sooner)
	err = t.judgeLines(fail, msgs, got)
	if f, ok := err.(*Failure); ok {
		f.pieces = pieces
	}
	return err
}

// judgeLines compares the messages printed with those sent.
func (t *T) judgeLines(fail func(string, []string, int) *Failure, want, got []string) error {
	if i := firstMismatch(want, got, t.stage.printing.accept); i >= 0 {
		if i >= len(want) {
			return fail(fmt.Sprintf("the server printed %d messages for the %d sent", len(got), len(want)), got, len(want)-1)
		}
		return fail(fmt.Sprintf("message #%d came out as %s, not %s", i+1, shorten(strconv.Quote(got[i]), len(got[i])), shorten(strconv.Quote(want[i]), len(want[i]))), got, i)
	}
	if len(got) < len(want) {
		return fail(fmt.Sprintf("the server printed %d of the %d messages sent (waited %v)", len(got), len(want), t.timeout), got, len(got))
	}
	return nil
}

func quoteAll(msgs []string) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = shorten(strconv.Quote(m), len(m))
	}
	return out
}

// shownQuote is how much of a quoted message a failure shows.
const shownQuote = 40

// shorten cuts a long quoted message, saying how long it was.
func shorten(quoted string, size int) string {
	if len(quoted) <= shownQuote {
		return quoted
	}
	r := []rune(quoted)
	if len(r) <= shownQuote {
		return quoted
	}
	return fmt.Sprintf("%s…\" (%d bytes)", string(r[:shownQuote-8]), size)
}
