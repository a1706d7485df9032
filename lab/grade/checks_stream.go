package grade

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// The checks every stage runs: the same kind of messages written whole,
// cut at every byte, cut at random, and merged.

// cutGap is the pause at a cut of the short stream: long enough that the
// server reads the first piece before the second arrives, even on a busy
// machine, so the cut is really seen.
const cutGap = 20 * time.Millisecond

// randomGap is the pause between randomly cut pieces.
const randomGap = time.Millisecond

var checkWhole = check{"whole", "messages written whole, one write each, the next once the last was answered (or printed)", func(t *T) error {
	if t.stage.printing != nil {
		return t.printExchange([]string{"hello", "world", "one more"}, nil, 0, true)
	}
	return t.stopAndWait([]frame{
		{typeText, []byte("hello")}, {typeText, []byte("world")}, {typePing, []byte("ping")},
		{typeData, []byte(strings.Repeat("d", 100))}, {typeText, []byte{}}, {typeData, []byte{}},
	})
}, nil}

var checkCuts = check{"cuts", "a short stream cut at every byte position, then one byte per write", func(t *T) error {
	var n int
	if t.stage.printing != nil {
		n = len(t.stage.printing.stream(t.stage.shortMessages).wire)
	} else {
		n = len(frameStream(shortRequests).wire)
	}
	for _, cuts := range everyCut(n) {
		if err := t.sendShort(cuts, cutGap); err != nil {
			return err
		}
	}
	return nil
}, nil}

// shortRequests is the answering stages' short stream: 21 bytes.
var shortRequests = []frame{{typeText, []byte("hi")}, {typePing, []byte("p")}, {typeData, []byte("abc")}}

// sendShort sends the stage's short stream on a new connection.
func (t *T) sendShort(cuts []int, gap time.Duration) error {
	if t.stage.printing != nil {
		return t.printExchange(t.stage.shortMessages, cuts, gap, false)
	}
	return t.onConn(func(t *T, c connection) error { return t.exchange(c, shortRequests, cuts, gap) })
}

var checkRandomCuts = check{"random-cuts", "longer streams cut into pieces of seeded random sizes", func(t *T) error {
	if p := t.stage.printing; p != nil {
		for range 3 {
			msgs := p.randomMessages(t.rng, 20)
			s := p.stream(msgs)
			if err := t.printExchange(msgs, randomCuts(t.rng, len(s.wire), 1, 9), randomGap, false); err != nil {
				return err
			}
		}
		return nil
	}
	return t.parallel(4, func(t *T, c connection) error {
		reqs := randomRequests(t.rng, 60)
		// Pieces of up to 256 bytes cut small frames anywhere and keep a
		// large one down to a few pieces: a frame must not take longer to
		// arrive than a short frame timeout (stage 6), even on a busy machine.
		return t.exchange(c, reqs, randomCuts(t.rng, len(frameStream(reqs).wire), 1, 256), randomGap)
	})
}, nil}

var checkCoalesced = check{"coalesced", "many messages merged into a single write", func(t *T) error {
	if p := t.stage.printing; p != nil {
		return t.printExchange(p.randomMessages(t.rng, 40), nil, 0, false)
	}
	return t.onConn(func(t *T, c connection) error { return t.exchange(c, randomRequests(t.rng, 200), nil, 0) })
}, nil}

// randomRequests returns n seeded requests the protocol accepts: TEXT,
// DATA and PING of assorted sizes, empty ones included.
func randomRequests(rng *rand.Rand, n int) []frame {
	reqs := make([]frame, n)
	for i := range reqs {
		switch rng.IntN(3) {
		case 0:
			reqs[i] = frame{typeText, []byte(randomText(rng, 100))}
		case 1:
			reqs[i] = frame{typeData, randomBytes(rng, rng.IntN(2000))}
		default:
			reqs[i] = frame{typePing, randomBytes(rng, rng.IntN(64))}
		}
	}
	return reqs
}

func randomText(rng *rand.Rand, maxLen int) string {
	var b strings.Builder
	for size := rng.IntN(maxLen + 1); b.Len() < size; {
		b.WriteRune(messageRunes[rng.IntN(len(messageRunes))])
	}
	return b.String()
}

func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, 0, n+8)
	for len(b) < n {
		b = binary.LittleEndian.AppendUint64(b, rng.Uint64())
	}
	return b[:n]
}

// stopAndWait sends each request whole and reads its answer before the
// next, the way the staged testers of most courses do.
func (t *T) stopAndWait(reqs []frame) error {
	return t.onConn(func(t *T, c connection) error {
		want := answers(reqs)
		s := frameStream(reqs)
		c.SetDeadline(t.deadline)
		for i := range reqs {
			if _, err := c.Write(s.wire[s.start(i):s.ends[i]]); err != nil {
				return &Failure{Summary: fmt.Sprintf("write request #%d: %v", i+1, err), sent: s, cuts: s.ends[:i], how: stepwise, at: i}
			}
			got, err := t.readAnswers(c, want[i:i+1])
			if err != nil {
				return &Failure{Summary: strings.Replace(err.Error(), "#1 of 1", fmt.Sprintf("#%d", i+1), 1),
					sent: s, cuts: s.ends[:len(s.ends)-1], how: stepwise, at: i, want: describeAll(want[:i+1]), got: append(describeAll(want[:i]), describeAll(got)...)}
			}
		}
		return nil
	})
}

// parallel runs n connections at once, each with a random source of its
// own, and returns the first failure.
func (t *T) parallel(n int, each func(t *T, c connection) error) error {
	errs := make([]error, n)
	rngs := make([]*T, n)
	for i := range rngs {
		sub := *t
		sub.rng = rand.New(rand.NewPCG(t.rng.Uint64(), uint64(i)))
		rngs[i] = &sub
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = rngs[i].onConn(each) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
