//go:build soak

package soak

import (
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"bytestream/final/client"
	"bytestream/final/frame"
	"bytestream/final/units"
)

// Shutdown under load: the server's default grace period, and enough
// answers per client before the signal to be sure every client is in full
// flow. Then the clients keep pipelining for shutdownBacklog before the
// signal, so that answers pile up in the sockets' buffers: with small
// frames that is megabytes of ACKs still on their way when the server
// closes, which is exactly what a close that resets the connection throws
// away (issue 12: 4 of 50 clients at 16 B, 24 of 100 at 64 B).
const (
	shutdownGrace   = 5 * time.Second
	shutdownWarmup  = 50
	shutdownBacklog = 2 * time.Second
)

// shutdownLoads are the frame sizes and client counts the promise must hold
// at: small frames, where answers outweigh requests, down to 1 MiB, where
// a frame is still arriving when the signal comes.
var shutdownLoads = []struct {
	payload, clients int
}{
	{16, 50},
	{64, 100},
	{1 << 10, 100},
	{1 << 20, 10},
}

// TestShutdownUnderLoad sends SIGTERM to a `final server` while clients
// pipeline DATA as fast as they can, and keep on after the signal, as real
// clients would. Then, at every size of shutdownLoads:
//   - every ACK a client saw totals whole frames it really sent, one more
//     frame each time, and its stream ends at a frame boundary;
//   - for every connection, the ACK total the server logged as received
//     equals the last ACK its client saw: every frame the server read —
//     all that had arrived before the signal, and those it finished after —
//     was answered, and no answer was lost in the close;
//   - the process exits 0 within the grace period.
func TestShutdownUnderLoad(t *testing.T) {
	for _, load := range shutdownLoads {
		name := fmt.Sprintf("%s×%d", units.FormatSize(int64(load.payload)), load.clients)
		t.Run(name, func(t *testing.T) { shutdownUnderLoad(t, load.payload, scaled(load.clients, min(load.clients, 20))) })
	}
}

func shutdownUnderLoad(t *testing.T, payload, n int) {
	srv := startChild(t, "-grace", shutdownGrace.String())

	clients := make([]*pipeliner, n)
	if failed, err := forEach(n, dialers, func(i int) error {
		nc, err := net.DialTimeout("tcp", srv.addr, mustFinish)
		if err != nil {
			return err
		}
		nc.SetDeadline(time.Now().Add(shutdownGrace + 2*mustFinish))
		clients[i] = &pipeliner{local: nc.LocalAddr().String(), c: client.NewConn(nc), payload: payload, done: make(chan struct{})}
		return nil
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

	time.Sleep(shutdownBacklog) // let answers pile up: see shutdownBacklog
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
	threat := fmt.Sprintf("shutdown: SIGTERM under %s clients pipelining %s DATA", count(n), units.FormatSize(int64(payload)))
	figures.Add(Row{threat, "connections whose last ACK = bytes the server read",
		fmt.Sprintf("%s (%s answers after the signal)", count(int(matched)), count(int(afterSignal))), count(n), matched == int64(n)})
	figures.Add(Row{threat, "exit code, time to exit", fmt.Sprintf("%d, %s", code, units.FormatDuration(exitAfter)),
		fmt.Sprintf("0, ≤ %v grace", shutdownGrace), code == 0 && exitAfter <= shutdownGrace})
	if code != 0 || exitAfter > shutdownGrace {
		t.Errorf("server exited with %d after %v, want 0 within %v:\n%s", code, exitAfter, shutdownGrace, tail(srv.log.String(), 2000))
	}
}

// pipeliner is one client of the shutdown test: one goroutine sends DATA
// frames in batches while another reads ACKs.
type pipeliner struct {
	local   string // the client's address, as the server logs it
	c       *client.Conn
	payload int           // the size of each DATA frame's payload
	done    chan struct{} // closed when receive ends: stop sending

	sent      atomic.Int64 // payload bytes handed to the socket
	acks      atomic.Int64 // ACKs received
	lastTotal uint64       // the last ACK total; read after receive ends
	err       error        // what went wrong, if anything; read after both end
}

// send pipelines DATA frames, 16 to a write, until the connection fails or
// the receiving side has ended.
func (p *pipeliner) send() {
	payload := make([]byte, p.payload)
	for {
		select {
		case <-p.done:
			return
		default:
		}
		for range 16 {
			// Counted before Send, which may write when its buffer fills,
			// so an ACK can never overtake the count.
			p.sent.Add(int64(p.payload))
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
		if total != p.lastTotal+uint64(p.payload) || int64(total) > p.sent.Load() {
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

// forcedGrace is short, and the write timeout long, so that clients that
// never read are still stuck when the grace period ends.
const forcedGrace = time.Second

// TestShutdownForcedAtGrace sends SIGTERM while 20 clients that never read
// hold connections whose answers cannot be delivered. They cannot finish, so
// the server must cut them off when the grace period ends and exit 1
// (reporting that shutdown was forced), promptly, not when its write
// timeout would have fired.
func TestShutdownForcedAtGrace(t *testing.T) {
	n := scaled(20, 10)
	srv := startChild(t, "-grace", forcedGrace.String(), "-write-timeout", "1m")
	dialer := net.Dialer{Timeout: mustFinish, Control: smallReceiveBuffer}
	conns := make([]net.Conn, n)
	if failed, err := forEach(n, n, func(i int) error {
		c, err := dialer.Dial("tcp", srv.addr)
		conns[i] = c
		return err
	}); failed > 0 {
		t.Fatalf("%d of %d clients failed to connect: %v", failed, n, err)
	}
	var stuck, ended sync.WaitGroup
	for _, c := range conns {
		stuck.Add(1)
		ended.Go(func() {
			defer c.Close()
			stallWriting(c, stuck.Done)
		})
	}
	if !waitFor(&stuck, mustFinish) {
		t.Fatal("clients' writes never stalled")
	}

	signalled := time.Now()
	srv.signal(syscall.SIGTERM)
	code := srv.wait(mustFinish)
	exitAfter := time.Since(signalled)
	if !waitFor(&ended, mustFinish) {
		t.Fatal("clients still writing after the server exited")
	}
	forced := countLines(srv.log.String(), "shutdown forced")
	limit := forcedGrace + time.Second
	threat := fmt.Sprintf("shutdown: SIGTERM with %s clients stuck", count(n))
	figures.Add(Row{threat, "exit code, time to exit", fmt.Sprintf("%d, %s", code, units.FormatDuration(exitAfter)),
		fmt.Sprintf("1 (forced), ≤ %v grace + 1s", forcedGrace), code == 1 && forced == 1 && exitAfter <= limit})
	if code != 1 || forced != 1 {
		t.Errorf("server exited with %d (%d 'shutdown forced' lines), want 1 and one line:\n%s", code, forced, tail(srv.log.String(), 2000))
	}
	if exitAfter > limit {
		t.Errorf("server exited %v after SIGTERM, want within %v of the %v grace period", exitAfter, limit-forcedGrace, forcedGrace)
	}
}

// stallWriting writes PINGs on c, never reading, and calls stalled once a
// write has been blocked for a while: the server's answers have filled
// every buffer between them. It returns when a write fails, or after two
// must-finish periods.
func stallWriting(c net.Conn, stalled func()) {
	ping := frame.AppendFrame(nil, frame.Ping, make([]byte, stallPing))
	once := sync.OnceFunc(stalled)
	defer once()
	for rest, end := ping, time.Now().Add(2*mustFinish); time.Now().Before(end); {
		c.SetWriteDeadline(time.Now().Add(200 * time.Millisecond))
		n, err := c.Write(rest)
		rest = rest[n:]
		if len(rest) == 0 {
			rest = ping
		}
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			once() // the rest of this frame goes out later: the stream stays whole
		case err != nil:
			return
		}
	}
}
