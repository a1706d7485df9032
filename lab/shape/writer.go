package shape

import (
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// maxHeld bounds what a coalescing writer holds: a writer that outpaces the
// window flushes early instead of growing without limit.
const maxHeld = 1 << 20

// writer cuts each Write into pieces, one Write on dst each, with the rule's
// gap between them; a coalescing rule holds bytes and sends them together.
type writer struct {
	dst    io.Writer
	rule   Rule
	cut    *Cutter
	dl     *deadline
	closed <-chan struct{}

	mu sync.Mutex // held while sending: pieces of two Writes never interleave

	held    sync.Mutex // guards the fields below
	pending []byte     // bytes waiting for the coalescing window to close
	batch   int        // counts batches, so a stale timer flushes nothing
	timer   *time.Timer
	err     error // first failure of a background flush; later Writes report it
}

func (w *writer) Write(p []byte) (int, error) {
	if w.rule.Coalesce > 0 {
		return w.hold(p)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.send(p, w.closed)
}

// send writes p after the rule's delay, as pieces with the rule's gap
// between them. Pauses end early on the write deadline or when stop closes.
func (w *writer) send(p []byte, stop <-chan struct{}) (int, error) {
	if err := pause(w.rule.Delay, w.dl, stop); err != nil {
		return 0, err
	}
	sent := 0
	for sent < len(p) {
		if sent > 0 {
			if err := pause(w.rule.Gap, w.dl, stop); err != nil {
				return sent, err
			}
		}
		size := w.cut.Next()
		if size == 0 || size > len(p)-sent {
			size = len(p) - sent
		}
		n, err := w.dst.Write(p[sent : sent+size])
		sent += n
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// hold appends p to the current batch, starting the batch's window when p is
// its first byte. Write reports success once the bytes are held; a failure to
// send them later is reported by the next Write.
func (w *writer) hold(p []byte) (int, error) {
	w.held.Lock()
	if err := w.holdErr(); err != nil {
		w.held.Unlock()
		return 0, err
	}
	if len(w.pending) == 0 {
		w.batch++
		batch := w.batch
		w.timer = time.AfterFunc(w.rule.Coalesce, func() { w.flush(batch) })
	}
	w.pending = append(w.pending, p...)
	full, batch := len(w.pending) >= maxHeld, w.batch
	w.held.Unlock()
	if full {
		w.flush(batch)
		if err := w.failure(); err != nil {
			return len(p), err
		}
	}
	return len(p), nil
}

// holdErr says why hold must refuse bytes: an earlier failure, a closed conn
// or a write deadline that has passed. The caller holds w.held.
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

func (w *writer) failure() error {
	w.held.Lock()
	defer w.held.Unlock()
	return w.err
}

// flush sends batch if it is still the one held. Taking the bytes while
// holding w.mu keeps batches in order even when a timer and a full batch
// race to send.
func (w *writer) flush(batch int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.held.Lock()
	if batch != w.batch || len(w.pending) == 0 {
		w.held.Unlock()
		return
	}
	p := w.take()
	w.held.Unlock()
	if _, err := w.send(p, w.closed); err != nil {
		w.fail(err)
	}
}

// flushAll sends whatever is held, at Close or CloseWrite. Pauses then only
// end on the write deadline: the conn is closing, yet held bytes must go.
func (w *writer) flushAll() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.held.Lock()
	p := w.take()
	w.held.Unlock()
	if len(p) == 0 {
		return w.failure()
	}
	_, err := w.send(p, nil)
	if err != nil {
		w.fail(err)
	}
	return err
}

// take removes the held bytes; the caller holds w.held.
func (w *writer) take() []byte {
	p := w.pending
	w.pending = nil
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	return p
}

// fail records the first error of sending held bytes: those bytes are
// lost, so every later Write must fail too.
func (w *writer) fail(err error) {
	w.held.Lock()
	defer w.held.Unlock()
	if w.err == nil {
		w.err = err
	}
}

// holding reports whether a coalescing window holds bytes.
func (w *writer) holding() bool {
	w.held.Lock()
	defer w.held.Unlock()
	return len(w.pending) > 0
}
