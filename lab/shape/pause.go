package shape

import (
	"net"
	"os"
	"sync"
	"time"
)

// deadline remembers what the caller set for one direction, so that pauses
// between pieces honour it and a coalescing Read can restore it.
type deadline struct {
	mu   sync.Mutex
	at   time.Time
	wake chan struct{} // closed and replaced whenever at changes
}

func newDeadline() *deadline { return &deadline{wake: make(chan struct{})} }

// set records t and, still holding the lock, applies it to the underlying
// conn, so the recorded and the real deadline never disagree for long.
func (d *deadline) set(t time.Time, apply func(time.Time) error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.at = t
	close(d.wake)
	d.wake = make(chan struct{})
	return apply(t)
}

func (d *deadline) get() (time.Time, <-chan struct{}) {
	if d == nil {
		return time.Time{}, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.at, d.wake
}

// pause waits for wait, unless the deadline passes first (it returns
// os.ErrDeadlineExceeded) or closed is closed (net.ErrClosed). A deadline
// moved during the pause is noticed at once. dl may be nil: no deadline.
func pause(wait time.Duration, dl *deadline, closed <-chan struct{}) error {
	if wait <= 0 {
		return nil
	}
	end := time.Now().Add(wait)
	for {
		at, wake := dl.get()
		now := time.Now()
		if !at.IsZero() && !now.Before(at) {
			return os.ErrDeadlineExceeded
		}
		if !now.Before(end) {
			return nil
		}
		left := end.Sub(now)
		if !at.IsZero() && at.Sub(now) < left {
			left = at.Sub(now)
		}
		timer := time.NewTimer(left)
		select {
		case <-timer.C:
		case <-wake:
		case <-closed:
			timer.Stop()
			return net.ErrClosed
		}
		timer.Stop()
	}
}
