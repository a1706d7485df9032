// Package accept is the accept-retry policy that final/server and the lab's
// proxy share: which Accept errors end serving, and how long to pause before
// accepting again after one that does not.
//
// An accept loop uses it like this (sleep stands for the loop's own pause,
// which ends early when the server closes):
//
//	var retry accept.Backoff
//	for {
//		c, err := l.Accept()
//		if err == nil {
//			retry.Reset()
//			go serve(c)
//			continue
//		}
//		if accept.Fatal(err) {
//			return err
//		}
//		wait := retry.Next()
//		log.Printf("accept: %v; retrying in %v", err, wait)
//		sleep(wait)
//	}
package accept

import (
	"errors"
	"net"
	"time"
)

// The pauses follow net/http: 5 ms, doubling on each failure in a row, at
// most 1 s. Short enough that a passing shortage (file descriptors freed
// by a closing connection) costs little, long enough not to spin.
const (
	FirstPause = 5 * time.Millisecond
	MaxPause   = time.Second
)

// Fatal reports whether an error from Accept ends serving: the listener is
// closed. Anything else passes and is retried after a pause: running out of
// file descriptors (EMFILE), a connection reset while it waited in the
// backlog (ECONNABORTED), a timeout.
func Fatal(err error) bool {
	return errors.Is(err, net.ErrClosed)
}

// Backoff is the pause before the next Accept after failures in a row. The
// zero value is ready: its first pause is FirstPause.
type Backoff struct {
	pause time.Duration
}

// Next returns the pause after one more failure: FirstPause, then double
// the last, at most MaxPause.
func (b *Backoff) Next() time.Duration {
	if b.pause == 0 {
		b.pause = FirstPause
	} else {
		b.pause = min(2*b.pause, MaxPause)
	}
	return b.pause
}

// Reset starts over after an Accept that succeeded.
func (b *Backoff) Reset() { b.pause = 0 }
