package logging

import "strconv"

// Conn is a Logger bound to one connection's number: every line it writes
// starts with "[conn N]". It is a small value; make one per connection.
type Conn struct {
	l   *Logger
	tag string
}

// Conn returns the logger for connection number id.
func (l *Logger) Conn(id uint64) Conn {
	if l == nil {
		return Conn{}
	}
	return Conn{l: l, tag: l.style.conn("[conn " + strconv.FormatUint(id, 10) + "]")}
}

// Verbose reports whether per-frame lines are wanted; see Logger.Verbose.
func (c Conn) Verbose() bool { return c.l.Verbose() }

// Printf logs one event of this connection.
func (c Conn) Printf(format string, args ...any) {
	if c.l != nil {
		c.l.line(c.tag, "", format, args)
	}
}

// Warnf logs a warning about this connection.
func (c Conn) Warnf(format string, args ...any) {
	if c.l != nil {
		c.l.line(c.tag, c.l.style.warning, format, args)
	}
}

// Errorf logs an error on this connection.
func (c Conn) Errorf(format string, args ...any) {
	if c.l != nil {
		c.l.line(c.tag, c.l.style.errorPrefix, format, args)
	}
}

// Recv logs a frame that arrived ("← TEXT 5B ..."), if verbose.
func (c Conn) Recv(format string, args ...any) {
	if c.Verbose() {
		c.l.line(c.tag, c.l.style.recv, format, args)
	}
}

// Sent logs a frame that was answered ("→ ACK 5"), if verbose.
func (c Conn) Sent(format string, args ...any) {
	if c.Verbose() {
		c.l.line(c.tag, c.l.style.sent, format, args)
	}
}

// previewLen is how much of a payload a frame line quotes.
const previewLen = 40

// Preview quotes the start of a payload for a frame line: printable text as
// is, other bytes escaped, and "…" when the payload was cut short.
func Preview(p []byte) string {
	if len(p) <= previewLen {
		return strconv.Quote(string(p))
	}
	return strconv.Quote(string(p[:previewLen])) + "…"
}
