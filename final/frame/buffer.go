package frame

import "io"

// readBuffer is a Reader's read buffer: bufio.Reader cut down to what a
// Reader uses, plus what bufio cannot do, take bytes that were read
// elsewhere as though it had read them itself (see readAhead).
type readBuffer struct {
	src        io.Reader
	buf        []byte
	head, tail int   // buf[head:tail] arrived and is not yet consumed
	err        error // the source's error that came with bytes, returned after them
}

// maxEmptyReads bounds how often a source may return neither bytes nor an
// error before a read gives up with io.ErrNoProgress, as bufio does.
const maxEmptyReads = 100

func newReadBuffer(size int) *readBuffer { return &readBuffer{buf: make([]byte, size)} }

// Reset empties the buffer and makes it read from src.
func (b *readBuffer) Reset(src io.Reader) { b.src, b.head, b.tail, b.err = src, 0, 0, nil }

// Buffered returns how many bytes arrived and are not yet consumed.
func (b *readBuffer) Buffered() int { return b.tail - b.head }

// Size returns the buffer's size.
func (b *readBuffer) Size() int { return len(b.buf) }

// Peek returns the next n buffered bytes without consuming them; the
// caller makes sure that n are buffered.
func (b *readBuffer) Peek(n int) []byte { return b.buf[b.head : b.head+n] }

// Discard consumes n buffered bytes, at most what is buffered, and returns
// how many.
func (b *readBuffer) Discard(n int) int {
	n = min(n, b.Buffered())
	b.head += n
	return n
}

// Read reads as bufio.Reader's Read does: what is buffered, else one read
// from the source, straight into p when p is at least the buffer's size,
// else through the buffer.
func (b *readBuffer) Read(p []byte) (int, error) {
	if b.Buffered() == 0 {
		if len(p) >= len(b.buf) {
			return b.readSource(p)
		}
		if err := b.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, b.buf[b.head:b.tail])
	b.head += n
	return n, nil
}

// fill reads once from the source into the empty buffer.
func (b *readBuffer) fill() error {
	n, err := b.readSource(b.buf)
	b.head, b.tail = 0, n
	return err
}

// readSource reads once from the source into p. An error that comes with
// bytes is kept for the next read, so the bytes are used first.
func (b *readBuffer) readSource(p []byte) (int, error) {
	if err := b.err; err != nil {
		b.err = nil
		return 0, err
	}
	for range maxEmptyReads {
		n, err := b.src.Read(p)
		if n > 0 {
			b.err = err
			return n, nil
		}
		if err != nil {
			return 0, err
		}
	}
	return 0, io.ErrNoProgress
}

// readAhead reads once from the source into p, with nothing buffered, and
// keeps what arrived past want in the buffer, as though it had read it
// itself: the caller needs want bytes and asks for more to save a read. It
// returns how many of the wanted bytes arrived. p must not be longer than
// want plus the buffer's size.
func (b *readBuffer) readAhead(p []byte, want int) (int, error) {
	n, err := b.readSource(p)
	if n > want {
		b.head, b.tail = 0, copy(b.buf, p[want:n])
		n = want
	}
	return n, err
}
