package shape

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/nettest"
)

// mustFinish bounds anything that must end; it is generous because the CI
// machine is small and loaded, and no test asserts how fast anything is.
const mustFinish = 30 * time.Second

// TestWrapPassesNettest runs x/net's conformance suite over every kind of
// rule but one. A Read rule that splits is left out on purpose: the suite's
// resync step needs a Read to end at whatever byte came last, and
// exact-size pieces wait for more (reads of 1 byte do pass, but take half a
// minute under -race through the megabytes the suite writes).
func TestWrapPassesNettest(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts Options
	}{
		{"pass through", Options{}},
		{"writes cut into 1 to 7 bytes", Options{Write: Rule{SplitMin: 1, SplitMax: 7}, Seed: 3}},
		{"coalesced reads, writes cut with gaps", Options{Read: Rule{Coalesce: time.Millisecond}, Write: Rule{SplitMin: 100, SplitMax: 300, Gap: time.Microsecond}, Seed: 5}},
		{"delayed reads and writes", Options{Read: Rule{Delay: time.Microsecond}, Write: Rule{Delay: time.Microsecond}}},
		{"coalesced writes", Options{Write: Rule{Coalesce: time.Millisecond}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			nettest.TestConn(t, func() (c1, c2 net.Conn, stop func(), err error) {
				a, b, err := tcpPair()
				if err != nil {
					return nil, nil, nil, err
				}
				c1, c2 = Wrap(a, tc.opts), Wrap(b, tc.opts)
				return c1, c2, func() { c1.Close(); c2.Close() }, nil
			})
		})
	}
}

func TestReadReturnsExactlyOnePieceEachTime(t *testing.T) {
	t.Parallel()
	a, b := mustPair(t)
	r := Wrap(b, Options{Read: Rule{SplitMin: 3, SplitMax: 3}})
	go func() {
		a.Write([]byte("hello"))
		a.Write([]byte("world!"))
		a.Close()
	}()
	var got []string
	buf := make([]byte, 64)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			got = append(got, string(buf[:n]))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"hel", "low", "orl", "d!"}
	if !slices.Equal(got, want) {
		t.Fatalf("reads = %q; want %q", got, want)
	}
}

func TestReadMergesSmallWritesIntoOnePiece(t *testing.T) {
	t.Parallel()
	a, b := mustPair(t)
	r := Wrap(b, Options{Read: Rule{SplitMin: 64, SplitMax: 64}})
	go func() {
		a.Write([]byte("hello"))
		a.Write([]byte("world"))
		a.Close()
	}()
	buf := make([]byte, 64)
	n, err := r.Read(buf)
	if err != nil || string(buf[:n]) != "helloworld" {
		t.Fatalf("first Read = %q, %v; want \"helloworld\"", buf[:n], err)
	}
	if n, err := r.Read(buf); n != 0 || err != io.EOF {
		t.Fatalf("second Read = %d, %v; want 0, EOF", n, err)
	}
}

func TestCoalescingReadGathersTenWritesIntoOne(t *testing.T) {
	t.Parallel()
	a, b := mustPair(t)
	// The window is far longer than the writes take even on a loaded
	// machine; the Read returns as soon as its 10-byte buffer is full.
	r := Wrap(b, Options{Read: Rule{Coalesce: mustFinish}})
	go func() {
		for i := range 10 {
			a.Write([]byte{'0' + byte(i)})
			time.Sleep(time.Millisecond)
		}
	}()
	buf := make([]byte, 10)
	n, err := r.Read(buf)
	if err != nil || string(buf[:n]) != "0123456789" {
		t.Fatalf("Read = %q, %v; want all ten bytes in one Read", buf[:n], err)
	}
}

func TestCoalescingReadEndsWhenTheWindowCloses(t *testing.T) {
	t.Parallel()
	a, b := mustPair(t)
	r := Wrap(b, Options{Read: Rule{Coalesce: 5 * time.Millisecond}})
	a.Write([]byte("x"))
	buf := make([]byte, 10)
	n, err := r.Read(buf)
	if err != nil || string(buf[:n]) != "x" {
		t.Fatalf("Read = %q, %v; want \"x\" and no error once the window closed", buf[:n], err)
	}
	// The caller's (absent) deadline is back: a later Read still blocks
	// until data comes instead of timing out.
	go a.Write([]byte("y"))
	n, err = r.Read(buf)
	if err != nil || string(buf[:n]) != "y" {
		t.Fatalf("second Read = %q, %v; want \"y\"", buf[:n], err)
	}
}

func TestWriteSendsOnePieceAtATime(t *testing.T) {
	t.Parallel()
	a, b := mustPair(t)
	rec := &recorder{Conn: a}
	w := Wrap(rec, Options{Write: Rule{SplitMin: 3, SplitMax: 3}})
	if _, err := w.Write([]byte("0123456789")); err != nil {
		t.Fatal(err)
	}
	w.Close()
	got, _ := io.ReadAll(b)
	if string(got) != "0123456789" {
		t.Fatalf("peer read %q; want the bytes unchanged", got)
	}
	if sizes := rec.sizes(); !slices.Equal(sizes, []int{3, 3, 3, 1}) {
		t.Fatalf("underlying writes = %v; want [3 3 3 1]", sizes)
	}
}

func TestSameSeedCutsTheSameWay(t *testing.T) {
	t.Parallel()
	cut := func(seed int64) []int {
		a, b := mustPair(t)
		rec := &recorder{Conn: a}
		w := Wrap(rec, Options{Write: Rule{SplitMin: 1, SplitMax: 9}, Seed: seed})
		go io.Copy(io.Discard, b)
		w.Write(bytes.Repeat([]byte("x"), 200))
		w.Close()
		return rec.sizes()
	}
	first, second := cut(7), cut(7)
	if !slices.Equal(first, second) {
		t.Fatalf("seed 7 cut %v, then %v", first, second)
	}
	if slices.Equal(first, cut(8)) {
		t.Fatalf("seeds 7 and 8 cut the same way: %v", first)
	}
}

func TestCoalescingWriteSendsHeldBytesOnClose(t *testing.T) {
	t.Parallel()
	a, b := mustPair(t)
	rec := &recorder{Conn: a}
	w := Wrap(rec, Options{Write: Rule{Coalesce: time.Hour}})
	for _, s := range []string{"one ", "two ", "three"} {
		if _, err := w.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(rec.sizes()); n != 0 {
		t.Fatalf("%d writes reached the conn before the window closed; want 0", n)
	}
	w.Close()
	got, _ := io.ReadAll(b)
	if string(got) != "one two three" || !slices.Equal(rec.sizes(), []int{13}) {
		t.Fatalf("peer read %q in writes %v; want \"one two three\" in one write", got, rec.sizes())
	}
}

func TestCoalescingWriteFlushesWhenTheWindowCloses(t *testing.T) {
	t.Parallel()
	a, b := mustPair(t)
	w := Wrap(a, Options{Write: Rule{Coalesce: time.Millisecond}})
	t.Cleanup(func() { w.Close() })
	w.Write([]byte("ping"))
	b.SetReadDeadline(time.Now().Add(mustFinish))
	buf := make([]byte, 4)
	if _, err := io.ReadFull(b, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("peer read %q, %v; want \"ping\" without any Close", buf, err)
	}
}

func TestCloseWriteForwardsEOFAfterHeldBytes(t *testing.T) {
	t.Parallel()
	a, b := mustPair(t)
	w := Wrap(a, Options{Write: Rule{Coalesce: time.Hour}})
	t.Cleanup(func() { w.Close() })
	w.Write([]byte("bye"))
	if err := w.(interface{ CloseWrite() error }).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(b)
	if err != nil || string(got) != "bye" {
		t.Fatalf("peer read %q, %v; want \"bye\" then EOF", got, err)
	}
}

func TestGapHonoursTheWriteDeadline(t *testing.T) {
	t.Parallel()
	a, b := mustPair(t)
	go io.Copy(io.Discard, b)
	w := Wrap(a, Options{Write: Rule{SplitMin: 1, SplitMax: 1, Gap: time.Hour}})
	t.Cleanup(func() { w.Close() })
	w.SetWriteDeadline(time.Now().Add(10 * time.Millisecond))
	n, err := w.Write([]byte("abc"))
	var ne net.Error
	if n != 1 || !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Write = %d, %v; want 1 byte, then a timeout during the gap", n, err)
	}
}

func TestCloseEndsAGap(t *testing.T) {
	t.Parallel()
	a, b := mustPair(t)
	go io.Copy(io.Discard, b)
	w := Wrap(a, Options{Write: Rule{SplitMin: 1, SplitMax: 1, Gap: time.Hour}})
	done := make(chan error, 1)
	go func() {
		_, err := w.Write([]byte("abc"))
		done <- err
	}()
	w.Close()
	select {
	case err := <-done:
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("Write during Close = %v; want net.ErrClosed", err)
		}
	case <-time.After(mustFinish):
		t.Fatal("Close did not end a Write waiting in a gap")
	}
}

func TestWrapListenerSeedsEachConnection(t *testing.T) {
	t.Parallel()
	l, err := nettest.NewLocalListener("tcp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	wl := WrapListener(l, Options{Read: Rule{SplitMin: 1, SplitMax: 5}, Seed: 10})
	var sizes [][]int
	for range 2 {
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			c.Write(bytes.Repeat([]byte("z"), 100))
			c.Close()
		}()
		s, err := wl.Accept()
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, readSizes(t, s))
		s.Close()
	}
	for i, want := range []int64{10, 11} {
		c := NewCutter(Rule{SplitMin: 1, SplitMax: 5}, want)
		for j, got := range sizes[i] {
			if exp := c.Next(); got != exp && j < len(sizes[i])-1 {
				t.Fatalf("connection %d read %d at read %d, seed %d gives %d", i, got, j, want, exp)
			}
		}
	}
}

// readSizes reads r to EOF and returns the size of every Read.
func readSizes(t *testing.T, r io.Reader) []int {
	t.Helper()
	var sizes []int
	buf := make([]byte, 64)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			sizes = append(sizes, n)
		}
		if err == io.EOF {
			return sizes
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// tcpPair returns both ends of a fresh loopback TCP connection.
func tcpPair() (net.Conn, net.Conn, error) {
	l, err := nettest.NewLocalListener("tcp")
	if err != nil {
		return nil, nil, err
	}
	defer l.Close()
	type accepted struct {
		c   net.Conn
		err error
	}
	ch := make(chan accepted, 1)
	go func() {
		c, err := l.Accept()
		ch <- accepted{c, err}
	}()
	a, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		return nil, nil, err
	}
	got := <-ch
	if got.err != nil {
		a.Close()
		return nil, nil, got.err
	}
	return a, got.c, nil
}

func mustPair(t *testing.T) (net.Conn, net.Conn) {
	t.Helper()
	a, b, err := tcpPair()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

// recorder notes the size of every Write that reaches the conn.
type recorder struct {
	net.Conn
	mu     sync.Mutex
	writes []int
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.writes = append(r.writes, len(p))
	r.mu.Unlock()
	return r.Conn.Write(p)
}

func (r *recorder) CloseWrite() error { return r.Conn.(*net.TCPConn).CloseWrite() }

func (r *recorder) sizes() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int(nil), r.writes...)
}

func TestReadDelayHonoursTheDeadlineAndClose(t *testing.T) {
	t.Parallel()
	a, b := mustPair(t)
	a.Write([]byte("waiting"))
	r := Wrap(b, Options{Read: Rule{Delay: time.Hour}})
	r.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	n, err := r.Read(make([]byte, 8))
	var ne net.Error
	if n != 0 || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("Read during an hour's delay with a 10ms deadline = %d, %v; want a timeout", n, err)
	}
	r.SetReadDeadline(time.Time{})
	done := make(chan error, 1)
	go func() {
		_, err := r.Read(make([]byte, 8))
		done <- err
	}()
	r.Close()
	select {
	case err := <-done:
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("Read during Close = %v; want net.ErrClosed", err)
		}
	case <-time.After(mustFinish):
		t.Fatal("Close did not end a Read waiting out its delay")
	}
}

func TestReadGapComesBetweenPiecesNotBeforeTheFirst(t *testing.T) {
	t.Parallel()
	a, b := mustPair(t)
	a.Write([]byte("abcdef"))
	r := Wrap(b, Options{Read: Rule{SplitMin: 3, SplitMax: 3, Gap: time.Millisecond}})
	buf := make([]byte, 8)
	// The first piece comes without a gap. The second waits its gap first,
	// and a deadline already past ends that wait without consuming anything.
	if n, err := r.Read(buf); err != nil || string(buf[:n]) != "abc" {
		t.Fatalf("first Read = %q, %v; want \"abc\" without waiting", buf[:n], err)
	}
	r.SetReadDeadline(time.Now().Add(-time.Second))
	if _, err := r.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("second Read in the gap = %v; want a deadline error", err)
	}
	r.SetReadDeadline(time.Time{})
	if n, err := r.Read(buf); err != nil || string(buf[:n]) != "def" {
		t.Fatalf("Read after the gap = %q, %v; want \"def\"", buf[:n], err)
	}
}
