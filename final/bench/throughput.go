package bench

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"bytestream/final/client"
	"bytestream/final/frame"
)

// stopAndWait sends one DATA frame at a time and waits for its ACK before
// the next: every frame pays a full round trip, so small frames measure
// latency, not bandwidth.
func stopAndWait(c *client.Conn, size int, b budget, p *progress) (transfer, error) {
	payload := zeros(size)
	t := transfer{Start: time.Now()}
	for !b.over(t.Start, t.Frames, 1) {
		total, err := c.Data(payload)
		if err != nil {
			return t, fmt.Errorf("stop-and-wait DATA %d: %w", t.Frames+1, err)
		}
		p.tick()
		t.addFrames(1, size)
		t.AckTotal = total
		if total != uint64(t.PayloadBytes) {
			return t, fmt.Errorf("stop-and-wait: server acknowledged %d bytes, sent %d", total, t.PayloadBytes)
		}
	}
	t.End = time.Now()
	return t, nil
}

// pipelined streams DATA frames from this goroutine while another reads the
// ACKs. The run is over only when an ACK's total equals the bytes sent: a
// rate computed when the last byte left the client would count bytes still
// sitting in socket buffers. At most window payload bytes are sent and not
// yet acknowledged, so the run ends soon after its budget: a server behind
// by seconds of small frames would otherwise make the client wait for the
// backlog long after the time was up. It half-closes c when done.
func pipelined(c *client.Conn, size int, b budget, window int64, p *progress) (transfer, error) {
	fin := newFinish()
	acks := make(chan ackCount, 1)
	go func() {
		defer close(fin.readerDone)
		acks <- readAcks(c, fin, p)
	}()

	t, err := sendData(c, size, b, window, fin)
	if err != nil {
		c.Close() // ends readAcks
		<-acks
		return t, err
	}
	fin.sent(t.PayloadBytes)
	err = c.CloseWrite()
	got := <-acks
	t.AckTotal, t.End = got.last, fin.at
	switch {
	case err != nil:
		return t, fmt.Errorf("pipelined: half-close: %w", err)
	case got.err != nil:
		return t, fmt.Errorf("pipelined: %w", got.err)
	case got.acks != t.Frames:
		return t, fmt.Errorf("pipelined: %d ACKs for %d DATA frames", got.acks, t.Frames)
	case got.last != uint64(t.PayloadBytes) || t.End.IsZero():
		return t, fmt.Errorf("pipelined: final ACK total %d, sent %d bytes", got.last, t.PayloadBytes)
	}
	return t, nil
}

// sendData queues DATA frames until the budget is spent and flushes them.
// Every few frames (as often as it reads the clock) it checks how much the
// server has yet to acknowledge, and past window it flushes and waits.
func sendData(c *client.Conn, size int, b budget, window int64, fin *finish) (transfer, error) {
	payload := zeros(size)
	every := clockEvery(size)
	t := transfer{Start: time.Now()}
	var n int64
	for !b.over(t.Start, n, every) {
		if n%every == 0 && n*int64(size)-fin.acked.Load() > window {
			if err := c.Flush(); err != nil {
				return t, fmt.Errorf("pipelined flush: %w", err)
			}
			if !fin.await(n*int64(size) - window/2) {
				t.addFrames(n, size)
				return t, fmt.Errorf("pipelined DATA %d: the ACK reader stopped", n+1)
			}
		}
		if err := c.Send(frame.Data, payload); err != nil {
			t.addFrames(n, size)
			return t, fmt.Errorf("pipelined DATA %d: %w", n+1, err)
		}
		n++
	}
	t.addFrames(n, size)
	if err := c.Flush(); err != nil {
		return t, fmt.Errorf("pipelined flush: %w", err)
	}
	return t, nil
}

// finish records the moment the server has acknowledged every byte. The
// reader stores each total and then checks the target; the writer stores
// the target and then checks the last total. Go's atomics are sequentially
// consistent, so whichever comes second sees the other's store and stops
// the clock, with no lock on the per-ACK path. The same handshake, on
// waitFor, wakes a writer that waits for the server to catch up.
type finish struct {
	acked      atomic.Int64
	target     atomic.Int64 // -1 until the writer knows how much it sent
	waitFor    atomic.Int64 // the total a waiting writer needs; 0 when none waits
	wake       chan struct{}
	readerDone chan struct{} // closed when the ACK reader returns
	once       sync.Once
	at         time.Time
}

func newFinish() *finish {
	f := &finish{wake: make(chan struct{}, 1), readerDone: make(chan struct{})}
	f.target.Store(-1)
	return f
}

func (f *finish) ack(total int64) {
	f.acked.Store(total)
	if w := f.waitFor.Load(); w > 0 && total >= w {
		select {
		case f.wake <- struct{}{}:
		default: // a wake-up is already pending
		}
	}
	if total == f.target.Load() {
		f.stop()
	}
}

// await blocks until the server has acknowledged total bytes, and reports
// false if the ACK reader ended first.
func (f *finish) await(total int64) bool {
	f.waitFor.Store(total)
	defer f.waitFor.Store(0)
	for f.acked.Load() < total {
		select {
		case <-f.wake:
		case <-f.readerDone:
			return f.acked.Load() >= total
		}
	}
	return true
}

func (f *finish) sent(total int64) {
	f.target.Store(total)
	if f.acked.Load() == total {
		f.stop()
	}
}

func (f *finish) stop() { f.once.Do(func() { f.at = time.Now() }) }

type ackCount struct {
	acks int64
	last uint64
	err  error
}

// readAcks reads ACKs until the server closes its side, which it does after
// answering everything once the client half-closes.
func readAcks(c *client.Conn, fin *finish, prog *progress) ackCount {
	var got ackCount
	for {
		h, p, err := c.Receive()
		if errors.Is(err, io.EOF) {
			return got
		}
		if err != nil {
			got.err = fmt.Errorf("after %d ACKs: %w", got.acks, err)
			return got
		}
		if h.Type != frame.Ack {
			got.err = fmt.Errorf("DATA answered with %s, want ACK", h.Type)
			return got
		}
		if got.last, err = frame.AckTotal(p); err != nil {
			got.err = err
			return got
		}
		got.acks++
		prog.tick()
		fin.ack(int64(got.last))
	}
}
