package server

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"bytestream/final/frame"
	"bytestream/final/units"
)

// Buffer sizes per busy connection. The read buffer holds about two
// hundred small frames, so a pipelining client costs one system call per
// two hundred frames; payloads larger than it bypass it. The write buffer
// holds about six hundred ACKs. Larger buffers measured no faster, and a
// client that pipelines but never reads pins both until the write timeout
// (the robustness suite allows 64 KiB per such client). An idle
// connection on a TCP socket holds neither: it gives them back to shared
// pools while it waits (network.go), so ten thousand idle connections cost
// tens of megabytes, not the 240 MiB their buffers would.
const (
	readBufferSize  = 16 << 10
	writeBufferSize = 8 << 10
)

// conn is one client connection, served by one goroutine.
type conn struct {
	srv  *Server
	nc   net.Conn
	log  connLog
	r    *frame.Reader
	w    *frame.Writer
	sock socketReader // nil unless nc is a TCP socket: see network.go

	idleTimeout, frameTimeout, writeTimeout time.Duration

	// Read by network.go when the reader must wait for the client.
	atBoundary    bool      // the next byte read starts a new frame
	filling       bool      // awaitFrame is reading what is there: do not wait
	frameDeadline time.Time // zero until the current frame first waits
	idleLimit     time.Time // when the current idle wait ends
	readDeadline  time.Time // what the socket has: may be earlier than needed
	writeDeadline time.Time

	mu   sync.Mutex // guards idle against Shutdown's wakeIfIdle
	idle bool

	// The connection's story, told in the close line.
	start     time.Time
	total     uint64 // accepted TEXT and DATA payload bytes: the ACK total
	framesIn  int    // frames read completely, rejected ones included
	bytesIn   int64  // their size on the wire, headers included
	framesOut int

	messageErrors int // frames refused with the connection kept; see maxWarnings
}

func newConn(s *Server, nc net.Conn, id uint64) *conn {
	c := &conn{
		srv:          s,
		nc:           nc,
		log:          newConnLog(s.logger(), id),
		w:            frame.NewWriterSize(nc, writeBufferSize),
		idleTimeout:  orDefault(s.IdleTimeout, DefaultIdleTimeout),
		frameTimeout: orDefault(s.FrameTimeout, DefaultFrameTimeout),
		writeTimeout: orDefault(s.WriteTimeout, DefaultWriteTimeout),
		start:        time.Now(),
	}
	c.r = frame.NewReaderSize(readerFunc(c.readSource), readBufferSize)
	c.r.MaxPayload = s.MaxPayload
	c.sock = newSocket(nc, c.flush, c.releaseBuffers, c.fillNow)
	return c
}

// ending says why a connection closed and how to tell it.
type ending struct {
	why     string
	clean   bool   // an expected end: logged as information, not a warning
	errText string // if set, sent to the client in an ERROR frame first
	linger  bool   // the client may still be sending: close gently, see linger.go
}

// serve runs the connection until it ends, and never lets a panic escape:
// one broken connection must not take the server down.
func (c *conn) serve() {
	defer c.srv.forget(c)
	defer func() {
		if p := recover(); p != nil {
			c.nc.Close()
			c.log.Errorf("panic: %v; connection closed\n%s", p, debug.Stack())
			c.srv.setState(c.nc, StateClosed)
		}
	}()
	c.log.Printf("connected from %s", c.nc.RemoteAddr())
	c.close(c.run())
}

// run reads and answers frames until the connection must end.
func (c *conn) run() ending {
	for {
		// Once Shutdown has begun, answer only frames that are already
		// here in full: the connection never waits for a new one.
		if c.srv.inShutdown.Load() && !c.r.FrameBuffered() {
			return ending{why: "server shutting down", clean: true, linger: true}
		}
		c.atBoundary = c.r.Buffered() == 0
		c.frameDeadline = time.Time{}
		if c.atBoundary && c.sock != nil {
			if err := c.awaitFrame(); err != nil {
				return c.failure(err)
			}
		}
		h, err := c.r.ReadHeader()
		if err == nil {
			err = c.answer(h)
		}
		if err != nil {
			return c.failure(err)
		}
		c.framesIn++
		c.bytesIn += frame.HeaderLen + int64(h.Length)
	}
}

// answer reads the payload of the frame whose header is h and queues its
// one answer. Message errors are answered here and return nil: the
// connection carries on.
func (c *conn) answer(h frame.Header) error {
	switch h.Type {
	case frame.Data:
		// DATA only needs counting: its bytes are skipped, never copied.
		n, err := c.r.DiscardPayload()
		if err != nil {
			return err
		}
		if c.log.Verbose() {
			c.log.Recv("DATA %dB", n)
		}
		c.total += uint64(n)
		return c.ack()
	case frame.Text, frame.Ping:
		return c.answerPayload(h)
	default:
		n, err := c.r.DiscardPayload()
		if err != nil {
			return err
		}
		if c.log.Verbose() {
			c.log.Recv("%s %dB", h.Type, n)
		}
		return c.refuse(wrongType(h.Type))
	}
}

// answerPayload answers a TEXT or PING frame, whose payload must be read
// into memory: the server-wide payload budget pays for a large one, or the
// frame is skipped and refused with an ERROR while the budget is spent.
func (c *conn) answerPayload(h frame.Header) error {
	size := int(h.Length)
	if !c.srv.takePayload(size) {
		if _, err := c.r.DiscardPayload(); err != nil {
			return err
		}
		if c.log.Verbose() {
			c.log.Recv("%s %dB (over the payload budget, skipped)", h.Type, size)
		}
		return c.refuse(c.srv.busyPayload(size))
	}
	defer c.srv.givePayload(size)
	p, err := c.r.ReadPayload()
	if err != nil {
		return err
	}
	if h.Type == frame.Ping {
		return c.pong(p)
	}
	if c.log.Verbose() {
		c.log.Recv("TEXT %dB %s", len(p), preview(p))
	}
	if !utf8.Valid(p) {
		return c.refuse(invalidUTF8(p))
	}
	c.total += uint64(len(p))
	return c.ack()
}

func (c *conn) pong(p []byte) error {
	if c.log.Verbose() {
		c.log.Recv("PING %dB", len(p))
	}
	if err := c.w.WriteFrame(frame.Pong, p); err != nil {
		return &writeError{err}
	}
	c.framesOut++
	if c.log.Verbose() {
		c.log.Sent("PONG %dB", len(p))
	}
	return nil
}

func (c *conn) ack() error {
	if err := c.w.WriteAck(c.total); err != nil {
		return &writeError{err}
	}
	c.framesOut++
	if c.log.Verbose() {
		c.log.Sent("ACK %d", c.total)
	}
	return nil
}

// refuse answers a message error: the frame was read completely, so the
// stream is still in step and the connection stays open.
func (c *conn) refuse(text string) error {
	if err := c.w.WriteFrame(frame.Error, []byte(text)); err != nil {
		return &writeError{err}
	}
	c.framesOut++
	if c.log.Verbose() {
		c.log.Sent("ERROR %q", text)
	}
	if c.messageErrors++; c.messageErrors <= maxWarnings {
		c.log.Warnf("rejected frame, connection kept: %s", text)
	}
	return nil
}

func wrongType(t frame.Type) string {
	if t.Known() {
		return fmt.Sprintf("unexpected %s frame: only the server sends %s", t, t)
	}
	return fmt.Sprintf("unknown message type %s", t)
}

func invalidUTF8(p []byte) string {
	at := 0
	for at < len(p) {
		r, size := utf8.DecodeRune(p[at:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		at += size
	}
	return fmt.Sprintf("TEXT payload is not valid UTF-8 (byte 0x%02x at offset %d)", p[at], at)
}

// failure turns the error that stopped the loop into the connection's
// ending.
func (c *conn) failure(err error) ending {
	var (
		tooLarge  *frame.TooLargeError
		truncated *frame.TruncatedError
		timeout   *timeoutError
		werr      *writeError
	)
	switch {
	case err == io.EOF:
		return ending{why: "client closed its side", clean: true}
	case errors.Is(err, errShutdown):
		return ending{why: "server shutting down", clean: true, linger: true}
	case errors.As(err, &tooLarge):
		return ending{why: tooLarge.Error(), errText: tooLarge.Error(), linger: true}
	case errors.As(err, &timeout) && timeout.idle:
		return ending{why: "idle timeout: " + timeout.Error()}
	case errors.As(err, &timeout):
		return ending{why: "frame timeout: " + err.Error(), errText: "frame timeout: " + err.Error(), linger: true}
	case errors.As(err, &truncated):
		return ending{why: truncated.Error() + " (client closed mid-frame)"}
	case errors.As(err, &werr):
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return ending{why: "client stopped reading: write timeout after " + c.writeTimeout.String()}
		}
		return ending{why: werr.Error()}
	default:
		return ending{why: err.Error()}
	}
}

// close flushes what the client is owed, sends the ERROR of a framing error,
// closes the socket and logs the connection's summary.
func (c *conn) close(e ending) {
	if e.errText != "" {
		c.w.WriteFrame(frame.Error, []byte(e.errText))
		c.framesOut++
		if c.log.Verbose() {
			c.log.Sent("ERROR %q", e.errText)
		}
	}
	if c.w.Buffered() > 0 {
		c.nc.SetWriteDeadline(time.Now().Add(c.writeTimeout))
		c.w.Flush()
	}
	// Whatever is left unread is abandoned: the buffers go back to the
	// pools now, not after lingering, so a burst of closing connections
	// shares a few.
	c.r.Reset(nil)
	c.w.Reset(nil)
	c.releaseBuffers()
	if e.linger {
		linger(c.nc, c.writeTimeout)
	}
	c.nc.Close()
	c.srv.setState(c.nc, StateClosed)
	if more := c.messageErrors - maxWarnings; more > 0 {
		c.log.Warnf("… and %s more message errors", units.FormatCount(int64(more)))
	}
	summary := fmt.Sprintf("%s in (%s), %s, ACK total %d, %v",
		count(c.framesIn, "frame"), units.FormatSize(c.bytesIn), count(c.framesOut, "answer"),
		c.total, time.Since(c.start).Round(time.Microsecond))
	if e.clean {
		c.log.Printf("closed: %s; %s", e.why, summary)
	} else {
		c.log.Warnf("closed: %s; %s", e.why, summary)
	}
}

// count says "1 frame" or "2 frames".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
