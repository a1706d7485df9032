// Package logging writes the server's human-readable diagnostics: one line
// per event, each connection numbered, so a reader can follow the story of
// every connection in a busy log.
//
//	19:04:05.123 listening on 127.0.0.1:9000
//	19:04:06.456 [conn 1] connected from 127.0.0.1:53122
//	19:04:06.457 [conn 1] ← TEXT 5B "hello"
//	19:04:06.457 [conn 1] → ACK 5
//
// Start with New and Logger.Conn. Per-frame lines (the arrows) appear only
// when the logger is verbose; callers guard them with Verbose, so a quiet
// server pays nothing for them:
//
//	if log.Verbose() {
//		log.Conn(id).Recv("%s %dB", typ, n)
//	}
//
// A Logger is safe for concurrent use and writes each line with exactly one
// Write call, so lines from different connections never interleave.
package logging

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fatih/color"
)

// timeLayout stamps each line with wall-clock time to the millisecond:
// enough to see a timeout fire, short enough to keep lines readable.
const timeLayout = "15:04:05.000"

// Logger writes diagnostic lines to one writer. The zero value is not
// usable; a nil *Logger is, and discards everything.
type Logger struct {
	verbose atomic.Bool
	style   style

	mu  sync.Mutex // serialises writes and guards buf
	w   io.Writer
	buf []byte // the line being assembled, reused so logging rarely allocates
}

// style holds the pieces of a line that may carry colour, rendered once.
type style struct {
	time, conn           func(a ...any) string
	recv, sent           string
	warning, errorPrefix string
}

func newStyle(on bool) style {
	paint := func(attrs ...color.Attribute) *color.Color {
		c := color.New(attrs...)
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	return style{
		time:        paint(color.Faint).SprintFunc(),
		conn:        paint(color.FgMagenta).SprintFunc(),
		recv:        paint(color.FgCyan).Sprint("←"),
		sent:        paint(color.FgGreen).Sprint("→"),
		warning:     paint(color.FgYellow, color.Bold).Sprint("warning:"),
		errorPrefix: paint(color.FgRed, color.Bold).Sprint("error:"),
	}
}

// New returns a Logger writing to w (usually os.Stderr), coloured according
// to mode. Verbose logging starts off.
func New(w io.Writer, mode ColorMode) *Logger {
	return &Logger{w: w, style: newStyle(mode.Enabled(w))}
}

// SetVerbose turns per-frame lines on or off. It is safe to call at any
// time.
func (l *Logger) SetVerbose(on bool) { l.verbose.Store(on) }

// Verbose reports whether per-frame lines are wanted. Guard every per-frame
// call with it: the check is one load, and nothing is formatted or
// allocated when it is false.
func (l *Logger) Verbose() bool { return l != nil && l.verbose.Load() }

// Printf logs one event line.
func (l *Logger) Printf(format string, args ...any) {
	l.line("", "", format, args)
}

// Warnf logs a line that starts with a "warning:" label: something went
// wrong for one peer, and the server carries on.
func (l *Logger) Warnf(format string, args ...any) {
	if l == nil {
		return
	}
	l.line("", l.style.warning, format, args)
}

// Errorf logs a line that starts with an "error:" label.
func (l *Logger) Errorf(format string, args ...any) {
	if l == nil {
		return
	}
	l.line("", l.style.errorPrefix, format, args)
}

// line assembles "TIME [conn N] LABEL message" and writes it in one call.
func (l *Logger) line(conn, label, format string, args []any) {
	if l == nil {
		return
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := append(l.buf[:0], l.style.time(now.Format(timeLayout))...)
	b = append(b, ' ')
	if conn != "" {
		b = append(b, conn...)
		b = append(b, ' ')
	}
	if label != "" {
		b = append(b, label...)
		b = append(b, ' ')
	}
	b = fmt.Appendf(b, format, args...)
	b = append(b, '\n')
	l.w.Write(b) // nowhere to report a failing log write; the server carries on
	l.buf = b
}
