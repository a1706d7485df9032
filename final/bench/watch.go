package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// A watch guards one experiment's connections. Every connection counts its
// progress (a round trip, an ACK, a write) on its own counter; the watch
// closes all the connections when the run is interrupted, or when one of
// them makes no progress for the stall timeout. Closing is what ends a
// goroutine blocked in a read or a write at once, whatever it is waiting
// for, so Ctrl-C stops a bench whose server stopped answering.
type watch struct {
	ticks  []progress
	ctx    context.Context // ended when the watch fired; its cause says why
	cancel context.CancelCauseFunc
	stop   func() bool // stops closing the connections on ctx's end
	done   chan struct{}
	wg     sync.WaitGroup
}

// progress is one connection's counter, alone on its cache line so that
// connections counting side by side do not slow each other down.
type progress struct {
	n atomic.Int64
	_ [56]byte
}

// tick records that the connection made progress.
func (p *progress) tick() { p.n.Add(1) }

// finished marks a connection that has done its part: waiting is no stall.
const finished = -1

// ErrStalled is what an experiment fails with when a connection makes no
// progress for Config.Timeout: the server stopped answering or reading.
var ErrStalled = errors.New("no progress")

// startWatch watches conns until the returned watch's end is called.
func startWatch[C io.Closer](ctx context.Context, timeout time.Duration, conns []C) *watch {
	w := &watch{ticks: make([]progress, len(conns)), done: make(chan struct{})}
	w.ctx, w.cancel = context.WithCancelCause(ctx)
	w.stop = context.AfterFunc(w.ctx, func() { closeAll(conns) })
	if timeout > 0 {
		w.wg.Go(func() { w.lookForStalls(timeout) })
	}
	return w
}

// lookForStalls checks the counters a few times per timeout and fires when
// one has not moved for a whole timeout.
func (w *watch) lookForStalls(timeout time.Duration) {
	last := make([]int64, len(w.ticks))
	moved := make([]time.Time, len(w.ticks))
	start := time.Now()
	for i := range moved {
		last[i], moved[i] = -2, start
	}
	t := time.NewTicker(max(timeout/4, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-w.ctx.Done():
			return
		case now := <-t.C:
			for i := range w.ticks {
				n := w.ticks[i].n.Load()
				switch {
				case n == finished:
				case n != last[i]:
					last[i], moved[i] = n, now
				case now.Sub(moved[i]) >= timeout:
					w.cancel(fmt.Errorf("connection %d: %w for %v (the server stopped answering or reading; see -timeout)", i+1, ErrStalled, timeout))
					return
				}
			}
		}
	}
}

// end stops the watch and returns err, or the reason the watch fired when
// it did: the errors of connections it closed say only "use of closed
// network connection".
func (w *watch) end(err error) error {
	close(w.done)
	w.wg.Wait()
	w.stop()
	if w.ctx.Err() != nil {
		return context.Cause(w.ctx)
	}
	w.cancel(nil)
	return err
}
