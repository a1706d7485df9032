package shape

import (
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// Options say how Wrap reshapes each direction of one connection.
type Options struct {
	// Read says what Read returns: each Read returns EXACTLY the next piece
	// size (seeded in [SplitMin,SplitMax]) — it waits until that many bytes
	// arrived (like io.ReadFull), returning fewer only at EOF or error, or
	// when the caller's buffer is smaller. So split=3 makes every Read return
	// 3 bytes, and split=64 merges small writes into one 64-byte Read (or
	// fewer bytes followed by EOF at the end). Gap pauses before each piece
	// after the first, Delay before every Read, and Coalesce ends a Read
	// that long after its first byte even if its piece is not full.
	Read Rule
	// Write says what Write sends: each Write is cut into pieces, each one
	// Write on the underlying conn with Gap between; Coalesce holds bytes
	// and sends them as one write after Coalesce (or on Close). Held bytes
	// are the conn's, as if in a socket's send buffer: a write deadline that
	// passes while they wait delays them until the deadline moves, and
	// loses nothing.
	Write Rule
	// Seed: every random choice derives from it.
	Seed int64
}

// closeFlushTimeout bounds how long Close waits to send bytes a coalescing
// writer still holds, so a peer that stopped reading cannot hang Close.
const closeFlushTimeout = time.Second

// Wrap returns c reshaped. It honours deadlines and Close, and passes
// golang.org/x/net/nettest.TestConn. The returned conn has CloseWrite, which
// half-closes c when c supports it (as *net.TCPConn does).
func Wrap(c net.Conn, o Options) net.Conn {
	closed := make(chan struct{})
	w := &conn{Conn: c, closed: closed, rdl: newDeadline(), wdl: newDeadline()}
	w.r = &reader{src: c, rule: o.Read, cut: NewCutter(o.Read, o.Seed),
		dl: w.rdl, setDL: c.SetReadDeadline, closed: closed}
	w.w = &writer{dst: c, rule: o.Write, cut: NewCutter(o.Write, ^o.Seed),
		dl: w.wdl, closed: closed}
	return w
}

type conn struct {
	net.Conn
	r         *reader
	w         *writer
	rdl, wdl  *deadline
	closed    chan struct{}
	closeOnce sync.Once
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	return n, c.opError("read", err)
}

func (c *conn) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	return n, c.opError("write", err)
}

// Close sends what a coalescing writer still holds, then closes c. Pending
// Reads and Writes, and pauses between pieces, end at once.
func (c *conn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	if c.w.holding() {
		end := time.Now().Add(closeFlushTimeout)
		c.Conn.SetWriteDeadline(end)
		c.w.flushAll(&deadline{at: end, wake: make(chan struct{})}, nil)
	}
	return c.Conn.Close()
}

// CloseWrite sends what a coalescing writer holds, then half-closes c: the
// peer reads EOF while this side can still read.
func (c *conn) CloseWrite() error {
	half, ok := c.Conn.(interface{ CloseWrite() error })
	if !ok {
		return c.opError("close", errors.New("underlying conn cannot half-close"))
	}
	if err := c.w.flushAll(c.wdl, c.closed); err != nil {
		return c.opError("close", err)
	}
	return half.CloseWrite()
}

func (c *conn) SetDeadline(t time.Time) error {
	return errors.Join(c.SetReadDeadline(t), c.SetWriteDeadline(t))
}

func (c *conn) SetReadDeadline(t time.Time) error {
	return c.rdl.set(t, c.Conn.SetReadDeadline)
}

func (c *conn) SetWriteDeadline(t time.Time) error {
	err := c.wdl.set(t, c.Conn.SetWriteDeadline)
	c.w.deadlineMoved()
	return err
}

// opError wraps an error this package made itself (a pause cut short by a
// deadline or Close) as the *net.OpError a real conn returns. Errors from c
// are already *net.OpError, and io.EOF must stay io.EOF: both pass as they are.
func (c *conn) opError(op string, err error) error {
	var already *net.OpError
	if err == nil || err == io.EOF || errors.As(err, &already) {
		return err
	}
	return &net.OpError{Op: op, Net: c.LocalAddr().Network(), Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
}
