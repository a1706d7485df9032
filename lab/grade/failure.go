package grade

import (
	"fmt"
	"strings"
	"time"

	"bytestream/lab/proxy"
)

// Failure is a check that failed, with what a learner needs to see why:
// the bytes sent with the cuts marked, what was expected there, what came
// back, and how to replay the same cuts by hand.
type Failure struct {
	Summary string // one line: what went wrong

	sent   *stream
	cuts   []int
	gap    time.Duration
	how    string // how the stream was written, when not by cuts and gap
	at     int    // the message where it went wrong, -1 when none in particular
	want   []string
	got    []string
	pieces []proxy.Piece

	replay []string // the commands that replay the cut, set by Run
}

func (f *Failure) Error() string { return f.Summary }

// failf is a failure with a summary only.
func failf(format string, args ...any) *Failure {
	return &Failure{Summary: fmt.Sprintf(format, args...), at: -1}
}

// window is how many messages around the failing one a failure shows.
const window = 3

// Detail is the failure's explanation, one indented block of lines; the
// replay commands are apart, in Result.Replay.
func (f *Failure) Detail() string {
	var b strings.Builder
	if f.sent != nil {
		f.writeSent(&b)
	}
	if f.want != nil {
		fmt.Fprintf(&b, "  expected  %s\n", listAround(f.want, f.at))
		fmt.Fprintf(&b, "  got       %s\n", listAround(f.got, f.at))
	}
	return b.String()
}

// listAround lists items near index at (all of them when few), numbered
// like the messages.
func listAround(items []string, at int) string {
	if len(items) == 0 {
		return "(nothing)"
	}
	first, last := 0, len(items)-1
	if len(items) > 2*window {
		first, last = max(0, at-window+1), min(last, max(at, 0)+1)
		if first > last {
			first = max(0, last-window)
		}
	}
	var b strings.Builder
	if first > 0 {
		fmt.Fprintf(&b, "… ")
	}
	for i := first; i <= last; i++ {
		if i > first {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "#%d %s", i+1, items[i])
	}
	if last < len(items)-1 {
		fmt.Fprintf(&b, " … (%d in all)", len(items))
	}
	return b.String()
}

// writeSent shows the messages around the failing one in hex, one message
// a line, with | before each byte that started a new Write.
func (f *Failure) writeSent(b *strings.Builder) {
	s := f.sent
	how := f.how
	if how == "" {
		how = describeCuts(f.cuts, f.gap)
	}
	fmt.Fprintf(b, "  sent      %d bytes, %d messages, %s\n", len(s.wire), len(s.ends), how)
	first, last := 0, min(len(s.ends), 2*window)-1
	if f.at >= 0 {
		first, last = max(0, f.at-window+1), min(len(s.ends)-1, f.at+1)
	}
	if first > 0 {
		fmt.Fprintf(b, "            … %s before\n", plural(first, "message"))
	}
	cut := map[int]bool{}
	for _, c := range f.cuts {
		cut[c] = true
	}
	for i := first; i <= last; i++ {
		marker := "  "
		if i == f.at {
			marker = "> "
		}
		fmt.Fprintf(b, "          %s#%d %-14s %s\n", marker, i+1, s.names[i], hexCut(s.wire, s.start(i), s.ends[i], cut))
	}
	if rest := len(s.ends) - 1 - last; rest > 0 {
		fmt.Fprintf(b, "            … %s after\n", plural(rest, "message"))
	}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// stepwise says how whole messages were written.
const stepwise = "one write each, the next only after the previous one's answer (| marks a write)"

// describeCuts says how the stream was written.
func describeCuts(cuts []int, gap time.Duration) string {
	switch {
	case len(cuts) == 0:
		return "in one write"
	case len(cuts) <= 4:
		return fmt.Sprintf("cut after byte %s (| is a cut: the next byte was written %v later)", joinInts(cuts), gap)
	}
	return fmt.Sprintf("in %d writes (| is a cut: the next byte was written %v later)", len(cuts)+1, gap)
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}

// hexShown is how many bytes of one message a failure shows: the head and
// the tail, the middle counted.
const hexShown = 24

// hexCut is wire[from:to] in hex, with | in front of each byte a cut starts.
func hexCut(wire []byte, from, to int, cut map[int]bool) string {
	var b strings.Builder
	write := func(i int) {
		sep := " "
		if cut[i] {
			sep = "|"
		}
		if i == from && !cut[i] {
			sep = ""
		}
		fmt.Fprintf(&b, "%s%02x", sep, wire[i])
	}
	if to-from <= hexShown+8 {
		for i := from; i < to; i++ {
			write(i)
		}
		return b.String()
	}
	for i := from; i < from+hexShown; i++ {
		write(i)
	}
	hidden := 0
	for i := from + hexShown; i < to-8; i++ {
		if cut[i] {
			hidden++
		}
	}
	fmt.Fprintf(&b, " … %d bytes, %d cuts … ", to-8-from-hexShown, hidden)
	for i := to - 8; i < to; i++ {
		write(i)
	}
	return b.String()
}
