package frame

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"net"
	"sync"
)

// Writer writes frames to a byte stream, batching small ones until Flush.
// It is not safe for concurrent use.
//
// Each frame reaches the underlying writer in a single Write (or a single
// vectored write on a TCP or Unix connection): never a header in one system
// call and its payload in another, which would invite the peer to see half a
// frame and, with Nagle's algorithm, cost a delayed-ACK round trip.
//
// Like a Reader, a Writer takes its buffer from a shared pool when it first
// writes, and gives it back on Release.
type Writer struct {
	w    io.Writer
	pool *sync.Pool  // write buffers of the batch size
	held *[]byte     // the pool's handle on buf; nil while released
	buf  []byte      // pending frames; nil while released
	vec  [2][]byte   // backing array of bufs, so a vectored write allocates nothing
	bufs net.Buffers // the pending batch and a large payload, for one writev
	err  error       // the first write error; every later call returns it
}

// NewWriter returns a Writer with a DefaultBufferSize batch buffer.
func NewWriter(w io.Writer) *Writer {
	return NewWriterSize(w, DefaultBufferSize)
}

// NewWriterSize returns a Writer that batches up to size bytes of frames
// before writing them.
func NewWriterSize(w io.Writer, size int) *Writer {
	size = max(size, HeaderLen+AckLen)
	return &Writer{w: w, pool: writePool(size)}
}

// Release returns the Writer's buffer to the shared pool, for a Writer
// about to sit idle; the next write takes a buffer again. It is allowed
// only when nothing waits for Flush: with frames pending it does nothing
// and reports false, because releasing would lose them.
func (w *Writer) Release() bool {
	if len(w.buf) > 0 {
		return false
	}
	if w.held != nil {
		w.pool.Put(w.held)
		w.held, w.buf = nil, nil
	}
	return true
}

// acquire gives the Writer a buffer if it has none.
func (w *Writer) acquire() {
	if w.held == nil {
		w.held = w.pool.Get().(*[]byte)
		w.buf = (*w.held)[:0]
	}
}

// Buffered returns how many bytes of frames wait for Flush.
func (w *Writer) Buffered() int { return len(w.buf) }

// WriteFrame queues one frame. A frame that does not fit beside what is
// pending goes out at once together with the batch: on a TCP or Unix
// connection in one vectored write, its payload not copied, so a stream of
// 4 KiB frames fills every write as raw TCP's does (four frames to a
// 16 KiB write, not three); elsewhere the batch is flushed first, unless
// the payload is too large for the buffer anyway. The Writer does not keep
// payload after WriteFrame returns.
func (w *Writer) WriteFrame(t Type, payload []byte) error {
	if w.err != nil {
		return w.err
	}
	if uint64(len(payload)) > math.MaxUint32 {
		return fmt.Errorf("write %s frame: payload of %d bytes does not fit a 32-bit length", t, len(payload))
	}
	w.acquire()
	size := HeaderLen + len(payload)
	room := cap(w.buf) - len(w.buf)
	if size > room && (room < HeaderLen || size <= cap(w.buf) && !isSocket(w.w)) {
		if err := w.Flush(); err != nil {
			return err
		}
	}
	if size <= cap(w.buf)-len(w.buf) {
		w.buf = AppendFrame(w.buf, t, payload)
		return nil
	}
	w.buf = appendHeader(w.buf, t, len(payload))
	return w.flushWith(payload)
}

// WriteAck queues an ACK frame carrying total, without allocating.
func (w *Writer) WriteAck(total uint64) error {
	if w.err != nil {
		return w.err
	}
	w.acquire()
	if HeaderLen+AckLen > cap(w.buf)-len(w.buf) {
		if err := w.Flush(); err != nil {
			return err
		}
	}
	w.buf = appendHeader(w.buf, Ack, AckLen)
	w.buf = binary.BigEndian.AppendUint64(w.buf, total)
	return nil
}

// Flush writes every queued frame in one write.
func (w *Writer) Flush() error {
	return w.flushWith(nil)
}

// flushWith writes the pending batch followed by extra as one write: a
// vectored write where the connection supports it, else one assembled
// buffer.
func (w *Writer) flushWith(extra []byte) error {
	if w.err != nil {
		return w.err
	}
	want := len(w.buf) + len(extra)
	if want == 0 {
		return nil
	}
	var n int64
	var err error
	switch {
	case extra == nil:
		var m int
		m, err = w.w.Write(w.buf)
		n = int64(m)
	case isSocket(w.w):
		w.vec = [2][]byte{w.buf, extra}
		w.bufs = w.vec[:]
		n, err = w.bufs.WriteTo(w.w)
		w.vec, w.bufs = [2][]byte{}, nil // drop the caller's payload
	default:
		var m int
		// A one-off buffer: growing w.buf would pin the large payload's
		// size to this Writer for good.
		m, err = w.w.Write(append(w.buf[:len(w.buf):len(w.buf)], extra...))
		n = int64(m)
	}
	w.buf = w.buf[:0]
	if err == nil && n < int64(want) {
		err = io.ErrShortWrite
	}
	if err != nil {
		w.err = fmt.Errorf("write frames: %w", err)
	}
	return w.err
}

// isSocket reports whether w turns net.Buffers into one vectored write
// (writev). Other writers would see one Write per buffer, so for them the
// frame is assembled into one buffer instead.
func isSocket(w io.Writer) bool {
	switch w.(type) {
	case *net.TCPConn, *net.UnixConn:
		return true
	}
	return false
}

// Reset discards anything queued, clears any error, and makes w write to
// dst, so a Writer can be reused for another connection.
func (w *Writer) Reset(dst io.Writer) {
	w.w, w.buf, w.err = dst, w.buf[:0], nil
}

// AppendFrame appends the encoding of one frame to dst and returns the
// extended slice. It panics if payload is longer than a 32-bit length can
// declare; Writer.WriteFrame returns an error instead.
func AppendFrame(dst []byte, t Type, payload []byte) []byte {
	if uint64(len(payload)) > math.MaxUint32 {
		panic("frame: payload longer than 4 GiB")
	}
	dst = appendHeader(dst, t, len(payload))
	return append(dst, payload...)
}

func appendHeader(dst []byte, t Type, length int) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(length))
	return append(dst, byte(t))
}

// AckTotal decodes an ACK payload: the server's running total of accepted
// TEXT and DATA payload bytes.
func AckTotal(payload []byte) (uint64, error) {
	if len(payload) != AckLen {
		return 0, fmt.Errorf("ACK payload is %d bytes, want %d", len(payload), AckLen)
	}
	return binary.BigEndian.Uint64(payload), nil
}
