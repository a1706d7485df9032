package server

import (
	"errors"
	"io"
	"net"
	"os"
	"time"
)

// A connection the server ends while its client may still be sending (a
// framing error, a shutdown, a busy refusal) must not simply be closed.
// Closing a socket with unread input makes the kernel abort the
// connection: it sends a reset and throws away every answer still queued
// in its send buffer, cut anywhere, even mid-frame. Answers are only
// queued there, not delivered, while the client is slow to read them, and
// a client pipelining small frames is owed many answers per kilobyte it
// sends (a 13-byte ACK per 21-byte frame of 16 B): at shutdown, megabytes
// of ACKs could still be waiting for it. So the server half-closes, which
// tells the client its last answer has been sent, and lingers: it reads
// and drops what the client still sends until
//   - the client closes its side too (it has read everything), or
//   - the kernel reports every answer delivered (where it can tell, see
//     unsent), and lingerTimeout more has passed for the client to close,
//   - or the client stops taking answers: no progress for the write
//     timeout, the limit every answer has.
// Where the kernel cannot tell, the linger ends lingerTimeout after the
// half-close, as it always did before the kernel was asked.

// lingerTimeout is how long a closing connection waits for its client to
// close once its answers are delivered (or when delivery cannot be seen).
const lingerTimeout = 500 * time.Millisecond

// lingerPoll is how often a lingering connection asks the kernel whether
// its answers were delivered: short next to lingerTimeout, and a
// connection lingers only once, so the polls cost nothing a user sees.
const lingerPoll = 20 * time.Millisecond

// linger half-closes nc and drains it as described above; the caller
// closes nc afterwards. writeTimeout bounds a client that stops reading.
func linger(nc net.Conn, writeTimeout time.Duration) {
	cw, ok := nc.(interface{ CloseWrite() error })
	if !ok || cw.CloseWrite() != nil {
		return
	}
	queued, known := unsent(nc)
	progress := time.Now() // when the client last took answers
	for {
		nc.SetReadDeadline(time.Now().Add(lingerPoll))
		if _, err := io.Copy(io.Discard, nc); !errors.Is(err, os.ErrDeadlineExceeded) {
			return // the client closed too, or the connection failed
		}
		now := time.Now()
		if known {
			if left, _ := unsent(nc); left < queued {
				queued, progress = left, now
			}
		}
		limit := lingerTimeout
		if known && queued > 0 {
			limit = writeTimeout
		}
		if now.Sub(progress) >= limit {
			return
		}
	}
}
