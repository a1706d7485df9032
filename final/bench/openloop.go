package bench

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"bytestream/final/client"
	"bytestream/final/frame"
)

// The open loop sends on a schedule, whatever the answers do, and times
// each answer from when its request was due: the way a server's users
// arrive, and the way wrk2 measures. A closed loop (one request, wait,
// the next) sends less when the server slows down, so a stall delays one
// sample and the queue that would have formed behind it is never measured:
// coordinated omission. Here the requests due during a stall are sent
// anyway, or counted late, and each one's wait shows.

// schedule says when each request is due. Connection index of conns sends
// requests index, index+conns, index+2·conns, … of one evenly spaced
// stream of rate requests per second: together the connections offer
// exactly rate, interleaved.
type schedule struct {
	start        time.Time
	rate         float64
	conns, index int
	until        time.Duration // no request is due at or after start+until
}

// due is when this connection's k-th request should be sent, as an offset
// from start.
func (s schedule) due(k int64) time.Duration {
	return time.Duration(float64(k*int64(s.conns)+int64(s.index)) / s.rate * float64(time.Second))
}

// count is how many requests this connection has due before until.
func (s schedule) count() int64 {
	var n int64
	total := s.rate * s.until.Seconds()
	if whole := int64(total); float64(whole) < total {
		n = whole + 1
	} else {
		n = whole
	}
	return max(0, (n-int64(s.index)+int64(s.conns)-1)/int64(s.conns))
}

// Histograms hold nanoseconds from 1 ns to an hour at three significant
// figures: a p99.99 read from them is within 0.1% of the exact one, in a
// few tens of kilobytes however many millions of answers there are.
const (
	hdrLowest  = 1
	hdrHighest = int64(time.Hour)
	hdrDigits  = 3
)

func newHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(hdrLowest, hdrHighest, hdrDigits)
}

// record adds d to h, clamped into the histogram's range: a latency is
// never below a nanosecond or above an hour in a run bounded by -timeout.
func record(h *hdrhistogram.Histogram, d time.Duration) {
	h.RecordValue(min(max(int64(d), hdrLowest), hdrHighest))
}

// loopConn is one connection as the open loop uses it: queue a request,
// push the queue to the wire, read and check one answer, say no more, or
// give up at once.
type loopConn interface {
	send() error
	flush() error
	receive() error
	closeWrite() error
	io.Closer
}

// framedLoop sends PINGs and expects PONGs of the same length.
type framedLoop struct {
	c       *client.Conn
	payload []byte
}

func (l *framedLoop) send() error  { return l.c.Send(frame.Ping, l.payload) }
func (l *framedLoop) flush() error { return l.c.Flush() }

func (l *framedLoop) receive() error {
	h, p, err := l.c.Receive()
	switch {
	case err != nil:
		return err
	case h.Type != frame.Pong || len(p) != len(l.payload):
		return fmt.Errorf("PING answered with %s of %d bytes, want PONG of %d", h.Type, len(p), len(l.payload))
	}
	return nil
}

func (l *framedLoop) closeWrite() error { return l.c.CloseWrite() }
func (l *framedLoop) Close() error      { return l.c.Close() }

// rawLoop sends the same bytes as a PING to the raw echo and reads as many
// back.
type rawLoop struct {
	c   *net.TCPConn
	w   *bufio.Writer
	r   *bufio.Reader
	req []byte
	ans []byte
}

func newRawLoop(c *net.TCPConn, wire int) *rawLoop {
	return &rawLoop{c: c, w: bufio.NewWriterSize(c, frame.DefaultBufferSize), r: bufio.NewReaderSize(c, frame.DefaultBufferSize),
		req: make([]byte, wire), ans: make([]byte, wire)}
}

func (l *rawLoop) send() error  { _, err := l.w.Write(l.req); return err }
func (l *rawLoop) flush() error { return l.w.Flush() }
func (l *rawLoop) receive() error {
	_, err := io.ReadFull(l.r, l.ans)
	return err
}

func (l *rawLoop) closeWrite() error {
	if err := l.w.Flush(); err != nil {
		return err
	}
	return l.c.CloseWrite()
}

func (l *rawLoop) Close() error { return l.c.Close() }

// loopResult is what one connection measured in an open-loop run.
type loopResult struct {
	latency  *hdrhistogram.Histogram // answer time − due time
	lag      *hdrhistogram.Histogram // send time − due time
	due      int64                   // requests due in the run
	sent     int64
	answered int64
	last     time.Time // when the last answer arrived
}

// flushEvery bounds how many requests wait in the writer while the sender
// is behind its schedule: catching up is done in batches, but a batch must
// not hold requests back for long.
const flushEvery = 64

// openLoop runs one connection's share of the schedule: this goroutine
// reads and times the answers while another sends. At most window
// requests are unanswered at a time; a sender held back by it falls behind
// its schedule, and its lateness counts in every latency that follows.
func openLoop(l loopConn, s schedule, window int64, p *progress) (loopResult, error) {
	res := loopResult{latency: newHistogram(), lag: newHistogram(), due: s.count()}
	answered := newTally()
	sent := make(chan error, 1)
	go func() {
		err := sendOnSchedule(l, s, window, answered, &res)
		if err != nil {
			l.Close() // ends the reader below
		}
		sent <- err
	}()

	var err error
	for {
		if err = l.receive(); err != nil {
			break
		}
		now := time.Now()
		k := answered.add() - 1
		record(res.latency, now.Sub(s.start)-s.due(k))
		res.last = now
		p.tick()
	}
	close(answered.done)
	serr := <-sent
	res.answered = answered.n.Load()
	switch {
	case !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed):
		// What came back says most (bytes that are not frames, from an
		// HTTP server say); the sender's broken pipe is only its echo.
		return res, fmt.Errorf("open loop answer %d: %w", res.answered+1, err)
	case serr != nil:
		return res, serr
	case !errors.Is(err, io.EOF):
		return res, fmt.Errorf("open loop answer %d: %w", res.answered+1, err)
	case res.answered != res.sent:
		return res, fmt.Errorf("open loop: %d answers to %d requests", res.answered, res.sent)
	}
	return res, nil
}

// sendOnSchedule sends each request when it is due, or at once when it is
// already late, stops at the schedule's end, and half-closes: the server
// answers everything, then closes, which ends the reader.
func sendOnSchedule(l loopConn, s schedule, window int64, answered *tally, res *loopResult) error {
	queued := 0
	flush := func() error {
		if queued == 0 {
			return nil
		}
		queued = 0
		if err := l.flush(); err != nil {
			return fmt.Errorf("open loop flush: %w", err)
		}
		return nil
	}
	for k := int64(0); k < res.due; k++ {
		due := s.due(k)
		if time.Since(s.start) < due || queued >= flushEvery {
			if err := flush(); err != nil {
				return err
			}
			waitUntil(s.start.Add(due))
		}
		if k-answered.n.Load() >= window {
			if err := flush(); err != nil {
				return err
			}
			if !answered.await(k - window + 1) {
				return fmt.Errorf("open loop request %d: the connection ended", k+1)
			}
		}
		if time.Since(s.start) >= s.until+s.until/2 {
			break // so far behind that the rest would only measure the queue
		}
		record(res.lag, time.Since(s.start)-due)
		if err := l.send(); err != nil {
			return fmt.Errorf("open loop request %d: %w", k+1, err)
		}
		res.sent++
		queued++
	}
	if err := l.closeWrite(); err != nil {
		return fmt.Errorf("open loop half-close: %w", err)
	}
	return nil
}

// tally counts answers for the reader and lets the sender wait for a
// count; the handshake is finish's (see throughput.go).
type tally struct {
	n       atomic.Int64
	waitFor atomic.Int64
	wake    chan struct{}
	done    chan struct{} // closed when the reader stops
}

func newTally() *tally {
	return &tally{wake: make(chan struct{}, 1), done: make(chan struct{})}
}

func (t *tally) add() int64 {
	n := t.n.Add(1)
	if w := t.waitFor.Load(); w > 0 && n >= w {
		select {
		case t.wake <- struct{}{}:
		default:
		}
	}
	return n
}

// await blocks until the count reaches n, and reports false if the reader
// stopped first.
func (t *tally) await(n int64) bool {
	t.waitFor.Store(n)
	defer t.waitFor.Store(0)
	for t.n.Load() < n {
		select {
		case <-t.wake:
		case <-t.done:
			return t.n.Load() >= n
		}
	}
	return true
}

// waitUntil sleeps until t. Go's timers on Linux can wake up to about a
// millisecond late, so at more than a thousand requests per second per
// connection the requests go out in small batches, and each one's wait
// from its due time includes the sender's lateness, reported as Lag; the
// framed and raw runs pay it alike. Spinning instead of sleeping was
// tried: a spinning sender keeps Go's scheduler from polling the network,
// and the answers waited milliseconds to be read.
func waitUntil(t time.Time) {
	if d := time.Until(t); d > 0 {
		time.Sleep(d)
	}
}
