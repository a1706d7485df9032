// Package logging presents the server's diagnostics to people. Its Handler
// is a log/slog handler that writes one line per record, each connection
// numbered, so a reader can follow the story of every connection in a busy
// log:
//
//	19:04:05.123 listening on 127.0.0.1:9000
//	19:04:06.456 [conn 1] connected from 127.0.0.1:53122
//	19:04:06.457 [conn 1] ← TEXT 5B "hello"
//	19:04:06.457 [conn 1] → ACK 5
//	19:04:07.001 [conn 2] warning: rejected frame, connection kept: ...
//
// Start with NewHandler, and give slog.New(handler) to whatever logs:
// final/server logs through any *slog.Logger, and this package is how the
// command line (final/cli) shows it. ColorMode decides colour, for the log
// and for anything else that honours a -color flag.
//
// Logging never holds up the program: lines go to a bounded queue that one
// goroutine writes out (sink.go). When the writer cannot keep up (a pipe
// nobody reads, a paused pager), new lines are dropped and counted, and
// the count is logged once the writer catches up.
package logging

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fatih/color"

	"bytestream/final/units"
)

// ConnKey is the attribute key of a connection's number (final/server
// adds it to every line about a connection): the Handler shows it first,
// as "[conn N]".
const ConnKey = "conn"

// timeLayout stamps each line with wall-clock time to the millisecond:
// enough to see a timeout fire, short enough to keep lines readable.
const timeLayout = "15:04:05.000"

// Handler is a slog.Handler writing the lines above. Records at
// slog.LevelWarn get a "warning:" label and at slog.LevelError an
// "error:" label; a message starting with an arrow (← for a frame that
// arrived, → for an answer) gets the arrow coloured. Attributes other than
// ConnKey follow the message as key=value.
type Handler struct {
	sink  *sink
	style style
	level slog.Leveler
	conn  string // "[conn N]", coloured, once WithAttrs has seen ConnKey
	attrs string // other attributes from WithAttrs, rendered " key=value"
	group string // the WithGroup prefix for keys, "" or ending in "."
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

// NewHandler returns a Handler writing to w (usually os.Stderr), coloured
// according to mode, for records at level and above (nil means
// slog.LevelInfo; final/server logs every frame at slog.LevelDebug). It
// starts the goroutine that writes to w: Close the Handler to write out
// what is queued and end it.
func NewHandler(w io.Writer, mode ColorMode, level slog.Leveler) *Handler {
	if level == nil {
		level = slog.LevelInfo
	}
	h := &Handler{style: newStyle(mode.Enabled(w)), level: level}
	h.sink = newSink(w, h.droppedLine)
	return h
}

// Close writes out the queued lines and ends the writing goroutine. It
// waits a second at most for a writer that has stalled, and then reports
// how many lines were lost. Records handled after Close are written
// directly.
func (h *Handler) Close() error { return h.sink.close() }

// Enabled reports whether records at level l are written.
func (h *Handler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level.Level()
}

// Handle formats r as one line and queues it. It never waits for the
// writer, and so never returns an error.
func (h *Handler) Handle(_ context.Context, r slog.Record) error {
	b := make([]byte, 0, 80+len(r.Message))
	if !r.Time.IsZero() {
		b = append(b, h.style.time(r.Time.Format(timeLayout))...)
		b = append(b, ' ')
	}
	conn, attrs := h.conn, h.attrs
	r.Attrs(func(a slog.Attr) bool {
		if tag, ok := h.connTag(a); ok {
			conn = tag
		} else {
			attrs += h.render(a)
		}
		return true
	})
	if conn != "" {
		b = append(b, conn...)
		b = append(b, ' ')
	}
	b = append(b, h.label(r.Level, r.Message)...)
	b = append(b, attrs...)
	b = append(b, '\n')
	h.sink.write(b)
	return nil
}

// label is the message with its level's label, or its arrow coloured.
func (h *Handler) label(l slog.Level, msg string) string {
	switch {
	case l >= slog.LevelError:
		return h.style.errorPrefix + " " + msg
	case l >= slog.LevelWarn:
		return h.style.warning + " " + msg
	case strings.HasPrefix(msg, "←"):
		return h.style.recv + strings.TrimPrefix(msg, "←")
	case strings.HasPrefix(msg, "→"):
		return h.style.sent + strings.TrimPrefix(msg, "→")
	}
	return msg
}

// WithAttrs returns a Handler whose lines carry attrs: ConnKey as the
// line's "[conn N]", the others after the message.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	h2 := *h
	for _, a := range attrs {
		if tag, ok := h.connTag(a); ok {
			h2.conn = tag
		} else {
			h2.attrs += h.render(a)
		}
	}
	return &h2
}

// WithGroup returns a Handler that prefixes later attributes' keys with
// name and a dot.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.group += name + "."
	return &h2
}

// connTag renders a connection number attribute as "[conn N]".
func (h *Handler) connTag(a slog.Attr) (string, bool) {
	if h.group != "" || a.Key != ConnKey {
		return "", false
	}
	return h.style.conn("[conn " + a.Value.Resolve().String() + "]"), true
}

// render writes one attribute as " key=value", quoting a value that
// would not read as one word.
func (h *Handler) render(a slog.Attr) string {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return ""
	}
	if a.Value.Kind() == slog.KindGroup {
		var s string
		inner := *h
		inner.group += a.Key + "."
		for _, g := range a.Value.Group() {
			s += inner.render(g)
		}
		return s
	}
	v := a.Value.String()
	if v == "" || strings.ContainsFunc(v, func(r rune) bool { return r <= ' ' || r == '"' || r == '=' }) {
		v = strconv.Quote(v)
	}
	return " " + h.group + a.Key + "=" + v
}

// droppedLine is the line the sink writes once it has caught up after
// dropping lines.
func (h *Handler) droppedLine(n int) []byte {
	r := slog.NewRecord(time.Now(), slog.LevelWarn, "log: "+units.FormatCount(int64(n))+
		" lines dropped: the log was not read as fast as it was written", 0)
	plain := *h
	plain.conn, plain.attrs = "", ""
	var b []byte
	b = append(b, h.style.time(r.Time.Format(timeLayout))...)
	b = append(b, ' ')
	b = append(b, plain.label(r.Level, r.Message)...)
	return slices.Concat(b, []byte("\n"))
}
