package shape

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// maxHeld bounds what a coalescing writer holds, like a socket's send
// buffer: a Write that finds it full sends it at once and waits for that.
const maxHeld = 1 << 20

// writer cuts each Write into pieces, one Write on dst each, with the rule's
// gap between them; a coalescing rule holds bytes and sends them together.
type writer struct {
	dst    io.Writer
	rule   Rule
	cut    *Cutter
	dl     *deadline
	closed <-chan struct{}

	mu sync.Mutex // held while sending: pieces of two sends never interleave

	held    sync.Mutex // guards the fields below
	pending []byte     // bytes waiting for the coalescing window to close
	timer   *time.Timer
	batch   int   // counts timers, so a stale one sends nothing
	err     error // a failure that lost held bytes; every later Write reports it
}

func (w *writer) Write(p []byte) (int, error) {
	if w.rule.Coalesce > 0 {
		return w.hold(p)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.send(p, w.dl, w.closed)
}

// send writes p after the rule's delay, as pieces with the rule's gap
// between them. Pauses end early when dl passes or stop closes.
func (w *writer) send(p []byte, dl *deadline, stop <-chan struct{}) (int, error) {
	if err := pause(w.rule.Delay, dl, stop); err != nil {
		return 0, err
	}
	sent := 0
	for sent < len(p) {
		if sent > 0 {
			if err := pause(w.rule.Gap, dl, stop); err != nil {
				return sent, err
			}
		}
		size := w.cut.nextUpTo(len(p) - sent)
		n, err := w.dst.Write(p[sent : sent+size])
		sent += n
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// hold adds p to the held bytes; the first byte of a batch starts its
// window. Like a socket's send buffer, the held bytes are the writer's
// now: Write returns, and a deadline that passes later does not lose them.
func (w *writer) hold(p []byte) (int, error) {
	accepted := 0
	for {
		w.held.Lock()
		if err := w.holdErr(); err != nil {
			w.held.Unlock()
			return accepted, err
		}
		take := min(maxHeld-len(w.pending), len(p)-accepted)
		w.pending = append(w.pending, p[accepted:accepted+take]...)
		accepted += take
		w.schedule(w.rule.Coalesce)
		w.held.Unlock()
		if accepted == len(p) {
			return accepted, nil
		}
		if err := w.flush(); err != nil { // full: send now, and wait for it
			return accepted, err
		}
	}
}

// holdErr says why hold must refuse bytes: a closed conn, an earlier
// failure, or a write deadline that has passed. The caller holds w.held.
func (w *writer) holdErr() error {
	select {
	case <-w.closed:
		return net.ErrClosed
	default:
	}
	if w.err != nil {
		return w.err
	}
	if at, _ := w.dl.get(); !at.IsZero() && !time.Now().Before(at) {
		return os.ErrDeadlineExceeded
	}
	return nil
}

// schedule arms a flush after d unless one is armed or nothing is held.
// The caller holds w.held.
func (w *writer) schedule(d time.Duration) {
	if w.timer != nil || len(w.pending) == 0 {
		return
	}
	w.batch++
	batch := w.batch
	w.timer = time.AfterFunc(d, func() { w.flushBatch(batch) })
}

// flushBatch is a timer's flush: it sends only if its timer is still the
// armed one, so a timer that fired just as another flush took its batch
// does not cut the next batch's window short.
func (w *writer) flushBatch(batch int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.held.Lock()
	stale := batch != w.batch || w.timer == nil
	w.held.Unlock()
	if !stale {
		w.sendHeld(w.dl, w.closed)
	}
}

// flush sends what is held now.
func (w *writer) flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.sendHeld(w.dl, w.closed)
}

// sendHeld takes the held bytes and sends them; the caller holds w.mu, so
// batches leave in order. Bytes a deadline stopped stay held, to go when
// the deadline moves; any other failure loses them, for good.
func (w *writer) sendHeld(dl *deadline, stop <-chan struct{}) error {
	w.held.Lock()
	p := w.pending
	w.pending = nil
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	w.held.Unlock()
	if len(p) == 0 {
		return nil
	}
	n, err := w.send(p, dl, stop)
	if err == nil {
		return nil
	}
	w.held.Lock()
	defer w.held.Unlock()
	if errors.Is(err, os.ErrDeadlineExceeded) {
		w.pending = append(p[n:], w.pending...)
	} else if w.err == nil {
		w.err = err
	}
	return err
}

// deadlineMoved sends bytes an earlier deadline stopped, now that the
// deadline may allow it.
func (w *writer) deadlineMoved() {
	w.held.Lock()
	defer w.held.Unlock()
	w.schedule(0)
}

// flushAll sends whatever is held, at Close or CloseWrite, with pauses
// bounded by dl and stop.
func (w *writer) flushAll(dl *deadline, stop <-chan struct{}) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.sendHeld(dl, stop); err != nil {
		return err
	}
	w.held.Lock()
	defer w.held.Unlock()
	return w.err
}

// holding reports whether a coalescing window holds bytes.
func (w *writer) holding() bool {
	w.held.Lock()
	defer w.held.Unlock()
	return len(w.pending) > 0
}
