package grade

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// The checks of stage 6: what a server must survive in the real world.

// Timeouts are the short timeouts stage 6 starts the server with, through
// the flags -server-flags names, so that its timeout checks take seconds.
type Timeouts struct {
	Frame, Idle time.Duration
}

// DefaultTimeouts are short enough to keep the stage quick and long enough
// that a busy machine does not trip them during the other checks.
var DefaultTimeouts = Timeouts{Frame: 2 * time.Second, Idle: 3 * time.Second}

// timeoutSlack is how late a timeout may close a connection and still pass.
const timeoutSlack = 2 * time.Second

// trickleEvery is how often the slow client of frame-timeout sends a byte:
// well inside the idle timeout, so only a frame timeout can close it.
const trickleEvery = 200 * time.Millisecond

var checkFrameTimeout = check{"frame-timeout", "a client sending one byte every 200ms is closed by the frame timeout", func(t *T) error {
	tm, err := t.needTimeouts()
	if err != nil {
		return err
	}
	return t.onConn(func(t *T, c connection) error {
		slow := frame{typeData, make([]byte, 1000)}.encode(nil)
		closed := make(chan struct{})
		var took time.Duration
		var closeErr error
		go func() {
			took, closeErr = expectClose(c, time.Now().Add(tm.Frame+timeoutSlack))
			close(closed)
		}()
		for i := 0; ; i++ {
			c.Write(slow[i : i+1])
			select {
			case <-closed:
				if closeErr != nil {
					return failf("%d bytes of a frame trickled in one every %v; the connection was still open after %v (frame timeout %v): %v", i+1, trickleEvery, took.Round(time.Millisecond), tm.Frame, closeErr)
				}
				return nil
			case <-time.After(trickleEvery):
			}
		}
	})
}, func(tm Timeouts) time.Duration { return tm.Frame + timeoutSlack }}

var checkIdleTimeout = check{"idle-timeout", "a client silent after its first answer is closed by the idle timeout", func(t *T) error {
	tm, err := t.needTimeouts()
	if err != nil {
		return err
	}
	return t.onConn(func(t *T, c connection) error {
		c.SetDeadline(t.deadline)
		if err := t.exchange(c, []frame{{typeText, []byte("then silence")}}, nil, 0); err != nil {
			return err
		}
		took, err := expectClose(c, time.Now().Add(tm.Idle+timeoutSlack))
		switch {
		case err != nil:
			return failf("a silent connection was still open after %v (idle timeout %v): %v", took.Round(time.Millisecond), tm.Idle, err)
		case took < tm.Idle/2:
			return failf("a silent connection was closed after %v, well before the idle timeout of %v", took.Round(time.Millisecond), tm.Idle)
		}
		return nil
	})
}, func(tm Timeouts) time.Duration { return tm.Idle + timeoutSlack }}

// needTimeouts returns the short timeouts, or skips the check with a note
// that says how to run it.
func (t *T) needTimeouts() (*Timeouts, error) {
	if t.timeouts == nil {
		return nil, skipf("needs the server started with short timeouts: give the flags for them, e.g. -server-flags '-frame-timeout {frame} -idle-timeout {idle}'")
	}
	return t.timeouts, nil
}

var checkHalfClose = check{"half-close", "a client that sends 2000 requests and closes its side gets every answer, then the close", func(t *T) error {
	return t.onConn(func(t *T, c connection) error {
		reqs := randomRequests(t.rng, 2000)
		s := frameStream(reqs)
		c.SetDeadline(t.deadline)
		go func() {
			c.Write(s.wire)
			c.CloseWrite()
		}()
		want := answers(reqs)
		got, err := t.readAnswers(c, want)
		if err == nil {
			if a, end := readAnswer(c); end == nil {
				err = fmt.Errorf("after the last answer the server sent %s; want the close", a)
			} else if !errors.Is(end, io.EOF) {
				err = fmt.Errorf("after the last answer: %v; want a clean close", t.answerError(end, len(want), len(want)))
			}
		}
		if err != nil {
			return &Failure{Summary: err.Error(), sent: s, at: min(len(got), len(want)-1), want: describeAll(want), got: describeAll(got)}
		}
		return nil
	})
}, nil}

// concurrentConns is how many connections the concurrent check holds open
// at once: hundreds, well inside a process's default 1024 files.
const concurrentConns = 300

var checkConcurrent = check{"concurrent", "300 connections open at once, each pipelining requests", func(t *T) error {
	conns := make([]connection, 0, concurrentConns)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range concurrentConns {
		c, err := t.target.dial(t.ctx)
		if err != nil {
			return failf("with %d connections open, connection %d failed: %v", len(conns), len(conns)+1, err)
		}
		conns = append(conns, c)
	}
	errs := make([]error, len(conns))
	var wg sync.WaitGroup
	for i, c := range conns {
		reqs := randomRequests(t.rng, 20)
		wg.Go(func() { errs[i] = t.exchange(c, reqs, nil, 0) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			if f, ok := err.(*Failure); ok {
				f.Summary = fmt.Sprintf("connection %d of %d: %s", i+1, len(conns), f.Summary)
			}
			return err
		}
	}
	return nil
}, nil}

// sigintAfter is how many answers each pipelining client reads before the
// grader interrupts the server.
const sigintAfter = 200

// sigintSettle is how long the grader waits, once its clients are under
// way, before it sends SIGINT: time for the server to read the half frame
// that is in flight, so that the frame has surely started.
const sigintSettle = 150 * time.Millisecond

var checkSigint = check{"sigint", "SIGINT while 2 clients pipeline and one is half way through a frame: every frame is answered, the streams end at frame boundaries, exit status 0", func(t *T) error {
	p := t.target.proc
	if p == nil || !canInterrupt {
		return skipf("needs a server the grader starts (give its command after --), on a system with process groups")
	}
	var ready sync.WaitGroup
	ready.Add(3)
	errs := make([]error, 3)
	var done sync.WaitGroup
	signalled := make(chan struct{})
	goHalf, halfSent := make(chan struct{}), make(chan struct{})
	done.Go(func() {
		errs[2] = t.onConn(func(t *T, c connection) error {
			return t.finishFrameAfterSigint(c, &ready, goHalf, halfSent, signalled)
		})
	})
	for i := range 2 {
		batches := make([][]frame, 200)
		for j := range batches {
			batches[j] = randomRequests(t.rng, 50)
		}
		done.Go(func() {
			errs[i] = t.onConn(func(t *T, c connection) error { return t.pipelineUntilClosed(c, batches, &ready) })
		})
	}
	ready.Wait()
	close(goHalf)
	<-halfSent
	time.Sleep(sigintSettle)
	said := p.tail.offset()
	signalGroup(p.cmd, interruptSignal)
	close(signalled)
	done.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	select {
	case <-p.done:
	case <-time.After(stopGrace + t.timeout):
		return failf("the server was still running %v after SIGINT", stopGrace+t.timeout)
	}
	if code := p.exitCode(said); code != 0 {
		return failf("after SIGINT the server ended with %s; want exit status 0", p.exitStatus())
	}
	return nil
}, nil}

// lingerProbe is how long a pipelining client keeps sending after the
// server's close reached it. A server that closed its socket with unread
// bytes has reset the connection, and a reset can destroy answers already
// sent: the client's next writes fail. One that half-closed and drains
// (chapter 06's hangUp) takes them.
const lingerProbe = 100 * time.Millisecond

// maxInFlight bounds the requests a pipelining client has sent ahead of
// the answers it read, so that it reads the server's close soon after the
// server sent it, while a lingering server still drains.
const maxInFlight = 2000

// pipelineUntilClosed keeps requests flowing on c until the server closes
// it, checking every answer; it calls ready once sigintAfter answers came.
func (t *T) pipelineUntilClosed(c connection, batches [][]frame, ready *sync.WaitGroup) error {
	c.SetDeadline(time.Now().Add(stopGrace + t.timeout))
	var stopAt atomic.Int64 // when the writer stops, in Unix nanoseconds; 0: not yet known
	var sentReqs sync.Mutex // guards queue: the requests written, in order
	var queue []frame
	var answered atomic.Int64
	wrote := make(chan error, 1)
	go func() {
		for i := 0; stopAt.Load() == 0 || time.Now().UnixNano() < stopAt.Load(); i++ {
			batch := batches[i%len(batches)]
			sentReqs.Lock()
			queue = append(queue, batch...)
			inFlight := int64(len(queue)) - answered.Load()
			sentReqs.Unlock()
			for ; inFlight > maxInFlight && stopAt.Load() == 0; inFlight = int64(len(queue)) - answered.Load() {
				time.Sleep(time.Millisecond) // queue is only appended here: reading its length is safe
			}
			if _, err := c.Write(frameStream(batch).wire); err != nil {
				wrote <- err
				return
			}
		}
		wrote <- nil
	}()
	defer stopAt.CompareAndSwap(0, 1) // any return stops the writer
	var total uint64
	readyOnce := sync.OnceFunc(ready.Done)
	defer readyOnce()
	for n := 0; ; n++ {
		a, err := readAnswer(c)
		if errors.Is(err, io.EOF) {
			// The close came after a whole answer: a frame boundary. Now
			// see whether the server drains or resets.
			stopAt.Store(time.Now().Add(lingerProbe).UnixNano())
			c.SetWriteDeadline(time.Now().Add(lingerProbe))
			if err := <-wrote; isReset(err) {
				return failf("after its last answer the server reset the connection while the client was still sending (%v): closing a socket with unread bytes resets it, and a reset can destroy answers on their way; half-close and drain instead, as chapter 06's hangUp does", err)
			}
			return nil
		}
		if err != nil {
			return failf("after SIGINT, answer #%d: %v; want every frame read answered, then a clean close", n+1, t.answerError(err, n, n+1))
		}
		sentReqs.Lock()
		req := queue[n]
		sentReqs.Unlock()
		if req.typ != typePing {
			total += uint64(len(req.payload))
		}
		want := answers([]frame{req})[0]
		if req.typ != typePing {
			want = ack(total)
		}
		if !want.matches(a) {
			return failf("around SIGINT, answer #%d is %s, not %s", n+1, a, describeAnswer(want))
		}
		answered.Store(int64(n + 1))
		if n+1 == sigintAfter {
			readyOnce()
		}
	}
}

// finishFrameAfterSigint sends half a DATA frame, waits for SIGINT, sends
// the rest and expects its ACK, then the close: docs/protocol.md's server
// lets every connection finish the frame it is on.
func (t *T) finishFrameAfterSigint(c connection, ready *sync.WaitGroup, goHalf <-chan struct{}, halfSent chan<- struct{}, signalled <-chan struct{}) error {
	readyOnce := sync.OnceFunc(ready.Done)
	defer readyOnce()
	halfOnce := sync.OnceFunc(func() { close(halfSent) })
	defer halfOnce()
	c.SetDeadline(time.Now().Add(stopGrace + t.timeout))
	if err := t.exchange(c, []frame{{typeText, []byte("before")}}, nil, 0); err != nil {
		return err
	}
	readyOnce()
	<-goHalf
	half := frame{typeData, make([]byte, 64<<10)}.encode(nil)
	if _, err := c.Write(half[:len(half)/2]); err != nil {
		return failf("write the first half of a frame: %v", err)
	}
	halfOnce()
	<-signalled
	time.Sleep(sigintSettle)
	if _, err := c.Write(half[len(half)/2:]); err != nil {
		return failf("the server hung up in the middle of a frame after SIGINT, instead of letting it finish: %v", err)
	}
	a, err := readAnswer(c)
	switch {
	case err != nil:
		return failf("a frame half sent when SIGINT came, and finished %v later, got no answer: %v", sigintSettle, t.answerError(err, 1, 2))
	case !ack(6 + 64<<10).matches(a):
		return failf("a frame finished after SIGINT was answered %s, not %s", a, ack(6+64<<10))
	}
	if _, err := readAnswer(c); !errors.Is(err, io.EOF) {
		return failf("after the last answer, want a clean close, got: %v", err)
	}
	return nil
}
