package grade

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
)

// lineLog collects the messages a printing server (stages 1–3) reports on
// stdout, one `received "…"` line each, quoted as Go's %q does. Other lines
// are the server's own business and are ignored.
type lineLog struct {
	mu       sync.Mutex
	messages []string
	changed  chan struct{} // closed and replaced whenever messages grows or the output ends
	ended    bool
}

func newLineLog() *lineLog { return &lineLog{changed: make(chan struct{})} }

// receivedPrefix starts every line a printing server writes per message.
const receivedPrefix = "received "

// follow reads r line by line until it ends, keeping each message. A
// quoted text that does not unquote (a Python repr, say) is kept as
// written, so a failure shows it instead of hiding it.
func (l *lineLog) follow(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		quoted, ok := strings.CutPrefix(line, receivedPrefix)
		if !ok {
			continue
		}
		msg, err := strconv.Unquote(quoted)
		if err != nil {
			msg = "unreadable line: " + line
		}
		l.add(msg, false)
	}
	l.add("", true)
}

func (l *lineLog) add(msg string, end bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if end {
		l.ended = true
	} else {
		l.messages = append(l.messages, msg)
	}
	close(l.changed)
	l.changed = make(chan struct{})
}

// mark returns how many messages were seen so far: a check looks only at
// what comes after its mark.
func (l *lineLog) mark() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.messages)
}

// since returns the messages after mark, and a channel that is closed when
// there are more (or the output ended).
func (l *lineLog) since(mark int) ([]string, <-chan struct{}, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.messages[mark:]...), l.changed, l.ended
}

// await waits until n messages arrived after mark, a message differs from
// want (accept decides), the output ends, or the deadline (which the
// caller may shorten by closing sooner) passes. It returns what arrived.
func (l *lineLog) await(mark int, want []string, accept func(want, got string) bool, deadline time.Time, sooner <-chan time.Time) []string {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		got, changed, ended := l.since(mark)
		if len(got) >= len(want) || ended || firstMismatch(want, got, accept) >= 0 {
			return got
		}
		select {
		case <-changed:
		case <-timer.C:
			return got
		case <-sooner:
			return got
		}
	}
}

// firstMismatch returns the index of the first message in got that is not
// the one wanted there, or -1.
func firstMismatch(want, got []string, accept func(want, got string) bool) int {
	for i, g := range got {
		if i >= len(want) || !accept(want[i], g) {
			return i
		}
	}
	return -1
}
