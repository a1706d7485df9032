package shape

import (
	"errors"
	"io"
	"os"
	"sync"
	"time"
)

// NewReader is the Read half of Wrap for any io.Reader (codec unit tests).
// Each Read returns exactly the next piece size when the rule splits (fewer
// only at EOF, on error, or when the caller's buffer is smaller). r has no
// deadlines, so a coalescing window is checked between r's Reads: a Read of
// r that blocks is waited for.
func NewReader(r io.Reader, rule Rule, seed int64) io.Reader {
	return &reader{src: r, rule: rule, cut: NewCutter(rule, seed)}
}

// reader cuts what its source delivers into pieces of seeded sizes.
type reader struct {
	src  io.Reader
	rule Rule
	cut  *Cutter

	// Set only for a wrapped conn: its read deadline, how to move the real
	// one (for a coalescing window), and the conn's closed signal.
	dl     *deadline
	setDL  func(time.Time) error
	closed <-chan struct{}

	mu       sync.Mutex // one Read at a time: pieces are handed out in order
	left     int        // bytes still owed to the current piece; 0 = start the next
	returned bool       // a piece went out already, so the next one waits Gap
}

func (r *reader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return r.src.Read(p)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	wait := r.rule.Delay
	if r.returned && r.left == 0 {
		wait += r.rule.Gap
	}
	if err := pause(wait, r.dl, r.closed); err != nil {
		return 0, err
	}
	if r.left == 0 {
		r.left = r.cut.Next()
	}
	want := len(p)
	if r.left > 0 {
		want = min(want, r.left)
	}
	n, err := r.fill(p[:want], r.left > 0)
	if r.left > 0 {
		r.left -= n
	}
	r.returned = r.returned || n > 0
	if n > 0 && err == io.EOF {
		err = nil // the piece goes out on its own; EOF comes with the next Read
	}
	return n, err
}

// fill reads into p. When full is set it keeps reading until p is full, like
// io.ReadFull; with a coalescing rule it keeps reading until p is full or
// the window after the first byte has closed; otherwise one Read does.
func (r *reader) fill(p []byte, full bool) (int, error) {
	n, err := r.src.Read(p)
	switch {
	case err != nil || n == len(p):
		return n, err
	case r.rule.Coalesce > 0:
		return r.fillWindow(p, n, time.Now().Add(r.rule.Coalesce))
	case !full:
		return n, nil
	}
	for n < len(p) && err == nil {
		var m int
		m, err = r.src.Read(p[n:])
		n += m
	}
	return n, err
}

// fillWindow keeps reading into p[n:] until p is full or end passes. On a
// conn it bounds the blocking Read by moving the read deadline to end, then
// puts the caller's deadline back.
func (r *reader) fillWindow(p []byte, n int, end time.Time) (int, error) {
	if r.setDL == nil {
		var err error
		for n < len(p) && err == nil && time.Now().Before(end) {
			var m int
			m, err = r.src.Read(p[n:])
			n += m
		}
		return n, err
	}
	r.moveDeadline(func(user time.Time) time.Time {
		if !user.IsZero() && user.Before(end) {
			return user
		}
		return end
	})
	defer r.moveDeadline(func(user time.Time) time.Time { return user })
	var err error
	for n < len(p) && err == nil {
		var m int
		m, err = r.src.Read(p[n:])
		n += m
	}
	if errors.Is(err, os.ErrDeadlineExceeded) && r.windowClosed(end) {
		err = nil // our window ended, not the caller's deadline
	}
	return n, err
}

// moveDeadline sets the real read deadline to pick(caller's deadline),
// holding the deadline lock so a concurrent SetReadDeadline is not lost.
func (r *reader) moveDeadline(pick func(user time.Time) time.Time) {
	r.dl.mu.Lock()
	defer r.dl.mu.Unlock()
	r.setDL(pick(r.dl.at)) // an error here shows up on the next Read
}

// windowClosed reports whether end has passed while the caller's own
// deadline has not.
func (r *reader) windowClosed(end time.Time) bool {
	user, _ := r.dl.get()
	now := time.Now()
	return !now.Before(end) && (user.IsZero() || now.Before(user))
}
