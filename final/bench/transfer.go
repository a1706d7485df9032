package bench

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"bytestream/final/frame"
)

// transfer is what one connection did in one throughput run.
type transfer struct {
	Frames       int64
	PayloadBytes int64
	WireBytes    int64  // payload plus frame headers, client to server
	AckTotal     uint64 // the last total the server acknowledged
	Start, End   time.Time
	// CPU is the whole process's CPU time over the run (client and, when
	// embedded, server); -1 when the platform cannot tell.
	CPU time.Duration
}

// cpuMark is the process's CPU time when a run started.
type cpuMark struct {
	at time.Duration
	ok bool
}

func startCPU() cpuMark {
	at, ok := processCPU()
	return cpuMark{at, ok}
}

// used is the CPU time since the mark, or -1 if unknown.
func (m cpuMark) used() time.Duration {
	now, ok := processCPU()
	if !m.ok || !ok {
		return -1
	}
	return now - m.at
}

// budget bounds a run by time, by frame count, or both; a zero field does
// not limit. The command uses time; Go benchmarks use b.N frames.
type budget struct {
	time   time.Duration
	frames int64
}

// clockEvery returns how many frames of size bytes to send between two
// clock reads: reading the clock for every 16-byte frame would cost more
// than sending it, so small frames check about every 16 KiB.
func clockEvery(size int) int64 {
	return int64(max(1, frame.DefaultBufferSize/max(size, 1)))
}

// sharedZeros is one zeroed buffer of the largest payload, which every
// sender of every connection sends from: the bench only reads its
// payloads, and a buffer per connection made -conns 100 -sizes 16MiB hold
// 1.6 GiB of zeros (3 GB peak RSS measured).
var sharedZeros = sync.OnceValue(func() []byte { return make([]byte, frame.DefaultMaxPayload) })

// zeros returns size zero bytes, shared: callers must not write to them.
func zeros(size int) []byte { return sharedZeros()[:size] }

// inFlightTotal bounds the payload bytes the pipelined clients of one run
// have sent and the server not yet acknowledged, shared among the
// connections (each may always have two frames in flight). Small frames are
// where it matters: 500 connections filling their socket buffers with
// 16-byte frames queued 37 s of work for a 200 ms budget.
const inFlightTotal = 32 << 20

// window is one connection's share of inFlightTotal.
func window(conns, size int) int64 {
	return max(inFlightTotal/int64(max(conns, 1)), 2*int64(size))
}

// over reports whether a run that started at start and has sent frames
// frames has used its budget.
func (b budget) over(start time.Time, frames, every int64) bool {
	if b.frames > 0 && frames >= b.frames {
		return true
	}
	return b.time > 0 && frames%every == 0 && time.Since(start) >= b.time
}

// addFrames accounts for n more frames of size payload bytes.
func (t *transfer) addFrames(n int64, size int) {
	t.Frames += n
	t.PayloadBytes += n * int64(size)
	t.WireBytes += n * int64(size+frame.HeaderLen)
}

// addCounts adds o's frames and bytes to t's; aggregate and inSequence
// differ only in how they combine the times.
func (t *transfer) addCounts(o transfer) {
	if t.CPU >= 0 && o.CPU >= 0 {
		t.CPU += o.CPU
	} else {
		t.CPU = -1
	}
	t.Frames += o.Frames
	t.PayloadBytes += o.PayloadBytes
	t.WireBytes += o.WireBytes
	t.AckTotal += o.AckTotal
}

// aggregate sums transfers that ran at the same time: their bytes add up,
// and the elapsed time runs from the first start to the last end.
func aggregate(ts []transfer) transfer {
	var sum transfer
	for i, t := range ts {
		sum.addCounts(t)
		if i == 0 || t.Start.Before(sum.Start) {
			sum.Start = t.Start
		}
		if t.End.After(sum.End) {
			sum.End = t.End
		}
	}
	return sum
}

// inSequence adds up rounds that ran one after another: bytes add up, and
// so do their times. The result's End is its Start plus the summed time, as
// though the rounds had run back to back with nothing between them.
func inSequence(rounds []transfer) transfer {
	var sum transfer
	var elapsed time.Duration
	for i, t := range rounds {
		sum.addCounts(t)
		elapsed += t.End.Sub(t.Start)
		if i == 0 {
			sum.Start = t.Start
		}
	}
	sum.End = sum.Start.Add(elapsed)
	return sum
}

// together runs do once per connection, all at the same moment, under a
// watch (see watch.go) that closes them all on an interrupt or a stall, and
// returns every result. Connections are dialled beforehand so that no
// client starts measuring while another is still connecting.
func together[C io.Closer, T any](ctx context.Context, timeout time.Duration, conns []C, do func(int, C, *progress) (T, error)) ([]T, error) {
	results := make([]T, len(conns))
	errs := make([]error, len(conns))
	w := startWatch(ctx, timeout, conns)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Go(func() {
			<-start
			results[i], errs[i] = do(i, c, &w.ticks[i])
			w.ticks[i].n.Store(finished)
		})
	}
	close(start)
	wg.Wait()
	return results, w.end(firstFailure(errs))
}

// firstFailure is the error of the first connection that failed, counting
// the others: when the server drops 500 connections, the report says so
// in one line, not in 500 copies of the same one.
func firstFailure(errs []error) error {
	var first error
	failed := 0
	for _, err := range errs {
		if err != nil {
			failed++
			if first == nil {
				first = err
			}
		}
	}
	if failed > 1 {
		return fmt.Errorf("%w (and %d more of the %d connections failed)", first, failed-1, len(errs))
	}
	return first
}
