package server

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
)

// connKey is the attribute that carries a connection's number on every
// line about it; final/logging shows it as "[conn N]".
const connKey = "conn"

// maxWarnings is how many message errors one connection logs as warnings.
// The rest are counted and summed up in one line when it closes: a client
// sending a million bad frames must not make the server write a million
// lines (issue 12: 90 MB of log for 5 MB of frames).
const maxWarnings = 10

// logger is the Logger, or slog's default one.
func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// connLog is the log of one connection: the server's logger with the
// connection's number attached.
type connLog struct {
	l *slog.Logger
	// verbose says whether per-frame lines (slog.LevelDebug) are wanted,
	// asked once, when the connection starts: per frame the check is then
	// one load, and nothing is formatted when it is false.
	verbose bool
}

func newConnLog(l *slog.Logger, id uint64) connLog {
	l = l.With(slog.Uint64(connKey, id))
	return connLog{l: l, verbose: l.Enabled(context.Background(), slog.LevelDebug)}
}

// Verbose reports whether per-frame lines are wanted; guard Recv and Sent
// with it.
func (c connLog) Verbose() bool { return c.verbose }

// Printf logs an event of the connection.
func (c connLog) Printf(format string, args ...any) { c.l.Info(fmt.Sprintf(format, args...)) }

// Warnf logs something that went wrong for this client; the server carries on.
func (c connLog) Warnf(format string, args ...any) { c.l.Warn(fmt.Sprintf(format, args...)) }

// Errorf logs something that went wrong in the server.
func (c connLog) Errorf(format string, args ...any) { c.l.Error(fmt.Sprintf(format, args...)) }

// Recv logs a frame that arrived: "← TEXT 5B ...".
func (c connLog) Recv(format string, args ...any) { c.l.Debug("← " + fmt.Sprintf(format, args...)) }

// Sent logs an answer: "→ ACK 5".
func (c connLog) Sent(format string, args ...any) { c.l.Debug("→ " + fmt.Sprintf(format, args...)) }

// previewLen is how much of a payload a frame line quotes.
const previewLen = 40

// preview quotes the start of a payload for a frame line: printable text
// as is, other bytes escaped, and "…" when the payload was cut short.
func preview(p []byte) string {
	if len(p) <= previewLen {
		return strconv.Quote(string(p))
	}
	return strconv.Quote(string(p[:previewLen])) + "…"
}
