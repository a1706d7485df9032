package proxy

import (
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/fatih/color"
)

// Logger writes the proxy's human-readable lines. Each line is one Write,
// and the lines of one event are written together, so the two directions
// never interleave mid-event.
type Logger struct {
	mu     sync.Mutex
	w      io.Writer
	colors [2]*color.Color // per Direction, nil when not colouring
	opts   LogOptions
}

// LogOptions say what a Logger prints.
type LogOptions struct {
	Color  bool // colour each direction's lines (decided by the caller: terminal, NO_COLOR)
	Hex    bool // a hex dump under every chunk instead of a quoted preview
	Stable bool // leave out times and addresses, so a log can be compared with a golden file
}

// NewLogger returns a Logger writing to w. Colour follows Wireshark's habit
// of one colour per direction: red client→server, blue server→client.
func NewLogger(w io.Writer, o LogOptions) *Logger {
	l := &Logger{w: w, opts: o}
	if o.Color {
		for d, attr := range [2]color.Attribute{color.FgRed, color.FgBlue} {
			c := color.New(attr)
			c.EnableColor() // the caller decided: colour even if stdout is not a terminal
			l.colors[d] = c
		}
	}
	return l
}

// Printf writes one plain line.
func (l *Logger) Printf(format string, args ...any) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, format+"\n", args...)
}

// lines writes lines in d's colour, one Write each, as one event.
func (l *Logger) lines(d Direction, lines ...string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range lines {
		if c := l.colors[d]; c != nil {
			line = c.Sprint(line)
		}
		io.WriteString(l.w, line+"\n")
	}
}

// chunkPreview is how many bytes a chunk line quotes.
const chunkPreview = 40

// chunkLines is what the log says about one chunk: its size and how it was
// cut, a preview (or a hex dump), then the frames that ended in it.
func (l *Logger) chunkLines(prefix string, chunk []byte, reads int, pieces []int, note string, frames []Frame) []string {
	var b strings.Builder
	if chunk == nil {
		fmt.Fprintf(&b, "%s at EOF", prefix)
	} else {
		fmt.Fprintf(&b, "%s read %dB", prefix, len(chunk))
	}
	if reads > 1 {
		fmt.Fprintf(&b, " in %d reads", reads)
	}
	b.WriteString(" → " + listInts(pieces[:min(len(pieces), maxListed)], len(pieces), "|"))
	if note != "" {
		b.WriteString(" (" + note + ")")
	}
	if !l.opts.Hex && chunk != nil {
		b.WriteString("  " + quote(chunk[:min(len(chunk), chunkPreview)], len(chunk) > chunkPreview))
	}
	lines := []string{b.String()}
	if l.opts.Hex && chunk != nil {
		dump := strings.TrimSuffix(hex.Dump(chunk), "\n")
		for _, line := range strings.Split(dump, "\n") {
			lines = append(lines, "    "+line)
		}
	}
	for _, f := range frames {
		lines = append(lines, "    "+f.String())
	}
	return lines
}

// Stable reports whether times and addresses are left out.
func (l *Logger) Stable() bool { return l != nil && l.opts.Stable }

// offset formats the time of t since a session started, the way Wireshark's
// relative time column does; "" for a stable log.
func (l *Logger) offset(start, t time.Time) string {
	if l.Stable() {
		return ""
	}
	return fmt.Sprintf(" +%.3fs", t.Sub(start).Seconds())
}
