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
	hex    bool
}

// NewLogger returns a Logger writing to w. Colour follows Wireshark's habit
// of one colour per direction: red client→server, blue server→client.
// hexDump adds a hex dump under every chunk.
func NewLogger(w io.Writer, colored, hexDump bool) *Logger {
	l := &Logger{w: w, hex: hexDump}
	if colored {
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
	fmt.Fprintf(&b, "%s read %dB", prefix, len(chunk))
	if reads > 1 {
		fmt.Fprintf(&b, " in %d reads", reads)
	}
	b.WriteString(" → " + joinInts(pieces, "|"))
	if note != "" {
		b.WriteString(" (" + note + ")")
	}
	if !l.hex {
		b.WriteString("  " + quote(chunk[:min(len(chunk), chunkPreview)], len(chunk) > chunkPreview))
	}
	lines := []string{b.String()}
	if l.hex {
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

// offset formats the time since a session started, the way Wireshark's
// relative time column does.
func offset(since time.Time) string {
	return fmt.Sprintf("+%.3fs", time.Since(since).Seconds())
}
