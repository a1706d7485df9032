package logging

import (
	"errors"
	"io"
	"strconv"
	"sync"
	"time"
)

// maxQueued bounds the bytes of lines waiting for the writer: a few
// thousand lines, enough to ride out a burst, small next to what the
// server itself holds. With a stalled writer the sink holds at most twice
// this (the batch being written and the queue behind it).
const maxQueued = 256 << 10

// closeWait bounds how long Close waits for a stalled writer.
const closeWait = time.Second

// sink queues lines for one goroutine that writes them, so that a program
// that logs never waits for its log: a stderr that is a pipe nobody reads
// must not stop a server from answering. Each line is written with one
// Write, so lines never interleave.
type sink struct {
	w      io.Writer
	report func(dropped int) []byte // the line that says how many were dropped

	mu      sync.Mutex
	queue   [][]byte
	queued  int  // bytes in queue
	dropped int  // lines dropped since the last report
	closed  bool // Close was called: no more queueing
	wake    chan struct{}
	done    chan struct{} // closed when run returns
}

func newSink(w io.Writer, report func(int) []byte) *sink {
	s := &sink{w: w, report: report, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go s.run()
	return s
}

// write queues line, which the sink now owns, or drops it if the queue is
// full. It never waits for the writer.
func (s *sink) write(line []byte) {
	s.mu.Lock()
	switch {
	case s.closed:
		s.mu.Unlock()
		s.w.Write(line) // after Close nobody else writes: no queue needed
		return
	case s.queued+len(line) > maxQueued:
		s.dropped++
		s.mu.Unlock()
		return
	}
	s.queue = append(s.queue, line)
	s.queued += len(line)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default: // already woken
	}
}

// run writes queued lines until Close, reporting dropped lines each time
// it has caught up.
func (s *sink) run() {
	defer close(s.done)
	var batch [][]byte
	for {
		s.mu.Lock()
		batch, s.queue = s.queue, batch[:0]
		s.queued = 0
		dropped, closed := 0, s.closed
		if len(batch) == 0 {
			dropped, s.dropped = s.dropped, 0
		}
		s.mu.Unlock()
		for i, line := range batch {
			s.w.Write(line) // nowhere to report a failing log write; the program carries on
			batch[i] = nil
		}
		switch {
		case dropped > 0:
			s.w.Write(s.report(dropped))
		case len(batch) > 0:
		case closed:
			return
		default:
			<-s.wake
		}
	}
}

// close stops queueing, waits (closeWait at most) for the queue to be
// written, and ends run.
func (s *sink) close() error {
	s.mu.Lock()
	already := s.closed
	s.closed = true
	s.mu.Unlock()
	if already {
		return nil
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
	select {
	case <-s.done:
		return nil
	case <-time.After(closeWait):
		s.mu.Lock()
		defer s.mu.Unlock()
		return errors.New("log: writer stalled; " + strconv.Itoa(len(s.queue)) + " lines not written")
	}
}
