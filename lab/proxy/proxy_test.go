package proxy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"bytestream/lab/shape"
	"go.uber.org/goleak"
	"golang.org/x/net/nettest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// mustFinish bounds anything that must end. It is generous because the CI
// machine is small and loaded; no test asserts how fast anything is.
const mustFinish = 30 * time.Second

// listen returns a loopback listener that is closed when the test ends.
func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := nettest.NewLocalListener("tcp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// serve runs handle on every connection a fresh listener accepts, each
// under a deadline so that a stuck test ends. When the test ends the
// listener closes and serve waits for every handler.
func serve(t *testing.T, handle func(net.Conn)) net.Listener {
	t.Helper()
	ln := listen(t)
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(mustFinish))
				handle(c)
			})
		}
	})
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return ln
}

// upstream is a server that records what each of its Reads returned.
type upstream struct {
	ln    net.Listener
	reads chan []string // one entry per connection, when it reaches EOF
}

// startUpstream starts an upstream that writes reply back after the
// client's EOF.
func startUpstream(t *testing.T, reply string) *upstream {
	t.Helper()
	u := &upstream{reads: make(chan []string, 4)}
	u.ln = serve(t, func(c net.Conn) {
		var reads []string
		buf := make([]byte, 1024)
		for {
			n, err := c.Read(buf)
			if n > 0 {
				reads = append(reads, string(buf[:n]))
			}
			if err != nil {
				break
			}
		}
		c.Write([]byte(reply))
		u.reads <- reads
	})
	return u
}

// startProxy serves cfg on a fresh port; the returned stop closes the proxy
// and waits until every session has ended (recordings are complete then).
func startProxy(t *testing.T, cfg Config) (addr string, stop func()) {
	t.Helper()
	ln := listen(t)
	p := New(cfg)
	done := make(chan error, 1)
	go func() { done <- p.Serve(ln) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			p.Close()
			if err := <-done; !errors.Is(err, ErrClosed) {
				t.Errorf("Serve after Close = %v; want ErrClosed", err)
			}
		})
	}
	t.Cleanup(stop)
	return ln.Addr().String(), stop
}

// exchange dials addr, writes each of writes with one Write, half-closes,
// and returns what came back.
func exchange(t *testing.T, addr string, pause time.Duration, writes ...string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(mustFinish))
	for i, w := range writes {
		if i > 0 {
			time.Sleep(pause)
		}
		if _, err := c.Write([]byte(w)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	back, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("reading the reply: %v", err)
	}
	return string(back)
}

func (u *upstream) nextReads(t *testing.T) []string {
	t.Helper()
	select {
	case r := <-u.reads:
		return r
	case <-time.After(mustFinish):
		t.Fatal("the upstream server never saw the client's EOF")
		return nil
	}
}

// recordedPieces parses what a Recorder wrote: connection 0's pieces, up
// then down.
func recordedPieces(t *testing.T, rec *bytes.Buffer) []Piece {
	t.Helper()
	s, err := ReadSchedule(bytes.NewReader(rec.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return append(s.pieces(0, Up), s.pieces(0, Down)...)
}

func TestSplitCutsEveryWriteIntoPiecesOfThree(t *testing.T) {
	t.Parallel()
	u := startUpstream(t, "ok")
	rule, _ := shape.ParseRule("split=3")
	var rec bytes.Buffer
	addr, stop := startProxy(t, Config{Upstream: u.ln.Addr().String(), Up: rule, Record: NewRecorder(&rec)})
	if back := exchange(t, addr, 0, "hello, world"); back != "ok" {
		t.Fatalf("client got %q back; want \"ok\"", back)
	}
	stop()
	if got := strings.Join(u.nextReads(t), ""); got != "hello, world" {
		t.Fatalf("server received %q; want the bytes unchanged", got)
	}
	// However the kernel split the client's write into chunks, every piece
	// is at most 3 bytes, and together they are all 12.
	recorded := 0
	for _, p := range recordedPieces(t, &rec) {
		if p.Dir != "up" {
			continue
		}
		recorded += p.Size
		if p.Size > 3 {
			t.Errorf("piece at offset %d is %d bytes; want at most 3", p.Offset, p.Size)
		}
	}
	if recorded != len("hello, world") {
		t.Errorf("recorded pieces hold %d bytes up; want all 12", recorded)
	}
}

// A receiver that keeps reading sees each piece as its own Read: the proxy
// writes a piece only once the previous one has been read, so this holds on
// a loaded machine too, and it would fail if the proxy merged pieces.
func TestReceiverThatKeepsReadingSeesEachPiece(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	read := int64(0)
	readMore := sync.NewCond(&mu)
	ln := listen(t)
	rule, _ := shape.ParseRule("split=3")
	var rec bytes.Buffer
	addr, stop := startProxy(t, Config{Upstream: ln.Addr().String(), Up: rule, Record: NewRecorder(&rec),
		AfterPiece: func(_ Direction, written int64) {
			mu.Lock()
			defer mu.Unlock()
			for read < written {
				readMore.Wait()
			}
		}})
	go func() {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return
		}
		defer c.Close()
		c.Write([]byte("0123456789"))
		c.(*net.TCPConn).CloseWrite()
		io.Copy(io.Discard, c)
	}()
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(mustFinish))
	var sizes []int
	buf := make([]byte, 64)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			sizes = append(sizes, n)
			mu.Lock()
			read += int64(n)
			readMore.Broadcast()
			mu.Unlock()
		}
		if err != nil {
			break
		}
	}
	// The pieces are compared with those the proxy wrote, not with a fixed
	// 3|3|3|1: the kernel may hand the proxy the client's write in two chunks.
	stop()
	var written []int
	for _, p := range recordedPieces(t, &rec) {
		written = append(written, p.Size)
	}
	if !slices.Equal(sizes, written) || len(written) < 4 {
		t.Fatalf("receiver's reads = %v; want one per piece written, %v (at least 4 for 10 bytes)", sizes, written)
	}
}

func TestCoalesceDeliversTenSmallWritesInOneRead(t *testing.T) {
	t.Parallel()
	u := startUpstream(t, "")
	// The window is generous so that a stalled writer cannot split the
	// batch; the client's half-close ends the batch, so nobody waits for it.
	rule := shape.Rule{Coalesce: mustFinish}
	addr, _ := startProxy(t, Config{Upstream: u.ln.Addr().String(), Up: rule})
	writes := strings.Split("a b c d e f g h i j", " ")
	exchange(t, addr, time.Millisecond, writes...)
	if got := u.nextReads(t); len(got) != 1 || got[0] != "abcdefghij" {
		t.Fatalf("server's reads = %q; want the ten writes in one read", got)
	}
}

func TestCoalesceWindowClosesWithoutEOF(t *testing.T) {
	t.Parallel()
	ln := listen(t)
	addr, _ := startProxy(t, Config{Upstream: ln.Addr().String(), Up: shape.Rule{Coalesce: 5 * time.Millisecond}})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("ping"))
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.SetDeadline(time.Now().Add(mustFinish))
	buf := make([]byte, 4)
	if _, err := io.ReadFull(s, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("server read %q, %v; want \"ping\" while the client is still connected", buf, err)
	}
}

func TestSameSeedCutsTheSameWayTwice(t *testing.T) {
	t.Parallel()
	rule, _ := shape.ParseRule("split=1-5,gap=0")
	data := strings.Repeat("abcdefghij", 10)
	run := func(seed int64) []int {
		u := startUpstream(t, "")
		var rec bytes.Buffer
		addr, stop := startProxy(t, Config{Upstream: u.ln.Addr().String(), Up: rule, Seed: seed, Record: NewRecorder(&rec)})
		exchange(t, addr, 0, data)
		u.nextReads(t)
		stop()
		var sizes []int
		for _, p := range recordedPieces(t, &rec) {
			sizes = append(sizes, p.Size)
		}
		return sizes
	}
	first, second := run(7), run(7)
	if !slices.Equal(first, second) {
		t.Fatalf("seed 7 cut %v, then %v", first, second)
	}
	if want := shape.NewCutter(rule, 7).Cut(len(data)); !slices.Equal(first, want) {
		t.Fatalf("seed 7 cut %v; the shape.Cutter for seed 7 says %v", first, want)
	}
}

func TestReplayCutsAsRecorded(t *testing.T) {
	t.Parallel()
	rule, _ := shape.ParseRule("split=2-7,gap=0")
	writes := []string{"the quick brown ", "fox jumps over ", "the lazy dog"}
	u := startUpstream(t, "reply from the server")
	var rec bytes.Buffer
	addr, stop := startProxy(t, Config{Upstream: u.ln.Addr().String(), Up: rule, Down: rule, Seed: 99, Record: NewRecorder(&rec)})
	exchange(t, addr, 0, writes...)
	u.nextReads(t)
	stop()
	schedule, err := ReadSchedule(bytes.NewReader(rec.Bytes()))
	if err != nil {
		t.Fatal(err)
	}

	var again bytes.Buffer
	addr, stop = startProxy(t, Config{Upstream: u.ln.Addr().String(), Replay: schedule, Record: NewRecorder(&again)})
	// One write this time: the replay still cuts where the recording did.
	if back := exchange(t, addr, 0, strings.Join(writes, "")); back != "reply from the server" {
		t.Fatalf("client got %q back", back)
	}
	if got := strings.Join(u.nextReads(t), ""); got != strings.Join(writes, "") {
		t.Fatalf("server received %q", got)
	}
	stop()
	want, got := cuts(recordedPieces(t, &rec)), cuts(recordedPieces(t, &again))
	if !slices.Equal(got, want) {
		t.Fatalf("replay cut the stream at %v; the recording at %v", got, want)
	}
}

// A replay holds bytes until the next recorded piece is complete; when the
// stream ends first, the held bytes still go, before the half-close.
func TestReplayForwardsHeldBytesAtEOF(t *testing.T) {
	t.Parallel()
	schedule, err := ReadSchedule(strings.NewReader(`{"conn":0,"dir":"up","offset":0,"size":100,"us":0}`))
	if err != nil {
		t.Fatal(err)
	}
	u := startUpstream(t, "")
	var log bytes.Buffer
	addr, stop := startProxy(t, Config{Upstream: u.ln.Addr().String(), Replay: schedule,
		Log: NewLogger(&log, LogOptions{Stable: true})})
	exchange(t, addr, 0, "only ten B")
	if got := strings.Join(u.nextReads(t), ""); got != "only ten B" {
		t.Fatalf("server received %q; want the 10 bytes the replay held", got)
	}
	stop()
	for _, want := range []string{"; 10B wait for the next recorded piece)", "at EOF → 10 (end of stream: held bytes forwarded)", "c→s EOF: half-close forwarded"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
}

// cuts lists each piece's direction, offset and size, leaving out its time.
func cuts(pieces []Piece) []string {
	var s []string
	for _, p := range pieces {
		s = append(s, fmt.Sprintf("%s:%d+%d", p.Dir, p.Offset, p.Size))
	}
	return s
}

func TestHalfCloseReachesTheServerAsEOF(t *testing.T) {
	t.Parallel()
	u := startUpstream(t, "after your EOF")
	addr, _ := startProxy(t, Config{Upstream: u.ln.Addr().String()})
	// The upstream answers only once it has read EOF, so the reply proves
	// the half-close was forwarded while the other direction stayed open.
	if back := exchange(t, addr, 0, "request"); back != "after your EOF" {
		t.Fatalf("client got %q; want the reply sent after the server saw EOF", back)
	}
}

func TestResetIsForwardedAsAReset(t *testing.T) {
	t.Parallel()
	ln := listen(t)
	addr, _ := startProxy(t, Config{Upstream: ln.Addr().String()})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte("x"))
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.SetDeadline(time.Now().Add(mustFinish))
	if _, err := io.ReadFull(s, make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	c.(*net.TCPConn).SetLinger(0)
	c.Close()
	_, err = s.Read(make([]byte, 1))
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("server's Read after the client's reset = %v; want ECONNRESET, not a clean EOF", err)
	}
}

func TestCloseEndsOpenSessions(t *testing.T) {
	t.Parallel()
	ln := listen(t)
	p := New(Config{Upstream: ln.Addr().String(), Up: shape.Rule{SplitMin: 1, SplitMax: 1, Gap: time.Hour}})
	front := listen(t)
	go p.Serve(front)
	c, err := net.Dial("tcp", front.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("stuck in an hour-long gap"))
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	io.ReadFull(s, make([]byte, 1))
	closed := make(chan error, 1)
	go func() { closed <- p.Close() }()
	select {
	case <-closed:
	case <-time.After(mustFinish):
		t.Fatal("Close did not end a session waiting in a gap")
	}
}

// startEcho starts a server that sends back everything it reads, then
// closes once the client has half-closed.
func startEcho(t *testing.T) string {
	t.Helper()
	return serve(t, func(c net.Conn) { io.Copy(c, c) }).Addr().String()
}

func TestEveryRuleKeepsTheBytes(t *testing.T) {
	t.Parallel()
	writes := []string{strings.Repeat("0123456789", 30), "a", "", "bc", strings.Repeat("xyz", 100)}
	want := strings.Join(writes, "")
	for _, rule := range []string{"", "split=1,gap=0", "split=2-7,gap=0", "split=64", "coalesce=5ms", "delay=1ms", "split=3,coalesce=2ms,delay=1ms,gap=0"} {
		t.Run(rule, func(t *testing.T) {
			t.Parallel()
			r, err := shape.ParseRule(rule)
			if err != nil {
				t.Fatal(err)
			}
			addr, _ := startProxy(t, Config{Upstream: startEcho(t), Up: r, Down: r, Seed: 5, Framing: FramingV1})
			if got := exchange(t, addr, 0, writes...); got != want {
				t.Fatalf("echo through the proxy returned %d bytes, %q…; want the %d bytes sent", len(got), got[:min(len(got), 20)], len(want))
			}
		})
	}
}
