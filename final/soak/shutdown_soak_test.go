//go:build soak

package soak

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"bytestream/final/client"
	"bytestream/final/frame"
)

// Shutdown under load: the server's default grace period, DATA frames of
// 1 KiB, and enough answers per client before the signal to be sure every
// client is in full flow.
const (
	shutdownGrace   = 5 * time.Second
	shutdownPayload = 1 << 10
	shutdownWarmup  = 50
)

// TestShutdownUnderLoad sends SIGTERM to a `final server` while 100 clients
// pipeline DATA as fast as they can, and keep on after the signal, as real
// clients would. Then:
//   - every ACK a client saw totals whole frames it really sent, one more
//     frame each time;
//   - for every connection, the ACK total the server logged as received
//     equals the last ACK its client saw: every frame the server read —
//     all that had arrived before the signal, and those it finished after —
//     was answered, and no answer was lost in the close;
//   - the process exits 0 within the grace period.
func TestShutdownUnderLoad(t *testing.T) {
	n := scaled(100, 20)
	srv := startChild(t, "-grace", shutdownGrace.String())

	clients := make([]*pipeliner, n)
	if failed, err := forEach(n, dialers, func(i int) error {
		nc, err := net.DialTimeout("tcp", srv.addr, mustFinish)
		clients[i] = &pipeliner{local: nc.LocalAddr().String(), c: client.NewConn(nc), done: make(chan struct{})}
		return err
	}); failed > 0 {
		t.Fatalf("%d of %d clients failed to connect: %v", failed, n, err)
	}
	var warm, finished sync.WaitGroup
	for _, p := range clients {
		warm.Add(1)
		finished.Add(2)
		go func() { defer finished.Done(); p.send() }()
		go func() { defer finished.Done(); p.receive(warm.Done) }()
	}
	if !waitFor(&warm, mustFinish) {
		t.Fatalf("clients did not all reach %d answers within %v", shutdownWarmup, mustFinish)
	}

	signalled := time.Now()
	srv.signal(syscall.SIGTERM)
	atSignal := make([]int64, n)
	for i, p := range clients {
		atSignal[i] = p.acks.Load()
	}
	code := srv.wait(shutdownGrace + mustFinish)
	exitAfter := time.Since(signalled)
	if !waitFor(&finished, mustFinish) {
		t.Fatal("clients still running after the server exited")
	}

	received := serverTotals(t, srv.log.String())
	var matched, afterSignal int64
	for i, p := range clients {
		afterSignal += p.acks.Load() - atSignal[i]
		total, ok := received[p.local]
		switch {
		case p.err != nil:
			t.Errorf("client %d: %v", i, p.err)
		case !ok:
			t.Errorf("client %d (%s): no close line in the server log", i, p.local)
		case total != p.lastTotal:
			t.Errorf("client %d: server received %d bytes, client's last ACK says %d", i, total, p.lastTotal)
		default:
			matched++
		}
	}
	threat := fmt.Sprintf("shutdown: SIGTERM under %s pipelining clients", count(n))
	figures.Add(Row{threat, "connections whose last ACK = bytes the server read",
		fmt.Sprintf("%s (%s answers after the signal)", count(int(matched)), count(int(afterSignal))), count(n), matched == int64(n)})
	figures.Add(Row{threat, "exit code, time to exit", fmt.Sprintf("%d, %v", code, round(exitAfter)),
		fmt.Sprintf("0, ≤ %v grace", shutdownGrace), code == 0 && exitAfter <= shutdownGrace})
	if code != 0 || exitAfter > shutdownGrace {
		t.Errorf("server exited with %d after %v, want 0 within %v:\n%s", code, exitAfter, shutdownGrace, tail(srv.log.String(), 2000))
	}
}

// pipeliner is one client of the shutdown test: one goroutine sends DATA
// frames in batches while another reads ACKs.
type pipeliner struct {
	local string // the client's address, as the server logs it
	c     *client.Conn
	done  chan struct{} // closed when receive ends: stop sending

	sent      atomic.Int64 // payload bytes handed to the socket
	acks      atomic.Int64 // ACKs received
	lastTotal uint64       // the last ACK total; read after receive ends
	err       error        // what went wrong, if anything; read after both end
}

// send pipelines DATA frames, 16 to a write, until the connection fails or
// the receiving side has ended.
func (p *pipeliner) send() {
	payload := make([]byte, shutdownPayload)
	for {
		select {
		case <-p.done:
			return
		default:
		}
		for range 16 {
			// Counted before Send, which may write when its buffer fills,
			// so an ACK can never overtake the count.
			p.sent.Add(shutdownPayload)
			if p.c.Send(frame.Data, payload) != nil {
				return
			}
		}
		if p.c.Flush() != nil {
			return // the server closed: expected once it shuts down
		}
	}
}

// receive reads ACKs until the server closes the connection, checking that
// each one covers exactly one more frame than the last, and never more than
// was sent. It calls warm once, after shutdownWarmup answers.
func (p *pipeliner) receive(warm func()) {
	defer close(p.done)
	defer p.c.Close()
	warmed := false
	defer func() {
		if !warmed {
			warm()
		}
	}()
	for {
		h, payload, err := p.c.Receive()
		if err != nil {
			if !isClosed(err) {
				p.err = fmt.Errorf("after ACK %d: %w", p.lastTotal, err)
			}
			return
		}
		total, err := frame.AckTotal(payload)
		if h.Type != frame.Ack || err != nil {
			p.err = fmt.Errorf("after ACK %d: answer %s %x, want an ACK", p.lastTotal, h.Type, payload)
			return
		}
		if total != p.lastTotal+shutdownPayload || int64(total) > p.sent.Load() {
			p.err = fmt.Errorf("ACK %d after ACK %d, with %d bytes sent: not the total of the frames received",
				total, p.lastTotal, p.sent.Load())
			return
		}
		p.lastTotal = total
		if p.acks.Add(1) == shutdownWarmup {
			warmed = true
			warm()
		}
	}
}

// The server's log tells each connection's story: where it came from, and
// how many payload bytes it had received when it closed.
var (
	connectedLine = regexp.MustCompile(`\[conn (\d+)\] connected from (\S+)`)
	closedLine    = regexp.MustCompile(`\[conn (\d+)\] .*closed: .*, ACK total (\d+), `)
)

// serverTotals maps each client address to the ACK total the server logged
// when it closed that client's connection.
func serverTotals(t *testing.T, log string) map[string]uint64 {
	t.Helper()
	addrs := map[string]string{}
	for _, m := range connectedLine.FindAllStringSubmatch(log, -1) {
		addrs[m[1]] = m[2]
	}
	totals := map[string]uint64{}
	for _, m := range closedLine.FindAllStringSubmatch(log, -1) {
		total, err := strconv.ParseUint(m[2], 10, 64)
		if err != nil {
			t.Fatalf("server log: %v", err)
		}
		totals[addrs[m[1]]] = total
	}
	return totals
}

// waitFor waits for wg, up to limit, and reports whether it finished.
func waitFor(wg *sync.WaitGroup, limit time.Duration) bool {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(limit):
		return false
	}
}

// tail returns the last n bytes of s, for a failure message.
func tail(s string, n int) string {
	return s[max(0, len(s)-n):]
}
