package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// headerSize is the size of the length prefix. Four bytes hold any length
// up to 4 GiB - 1, and big-endian order, most significant byte first, is
// the usual order on the network.
const headerSize = 4

// maxMessageSize is the largest message the server accepts. The length
// prefix is four bytes that anyone can write, so a server that trusted it
// would allocate 4 GiB for a client that asked.
const maxMessageSize = 1 << 20

// errTooLarge is the error for a frame longer than the reader allows, so
// that a caller can tell it apart with errors.Is.
var errTooLarge = errors.New("frame too large")

// readFrame reads one frame and returns its message, of at most limit bytes.
// io.ReadFull does the work that readExactly did in step 02: it keeps
// calling Read until it has all the bytes it was asked for.
func readFrame(r io.Reader, limit int) ([]byte, error) {
	// First the header. If the stream ends before its first byte, the
	// sender stopped between frames: that is the clean end, io.EOF. If it
	// ends after some of the header, the frame was cut off.
	var header [headerSize]byte
	n, err := io.ReadFull(r, header[:])
	switch {
	case err == io.EOF:
		return nil, io.EOF
	case err == io.ErrUnexpectedEOF:
		return nil, fmt.Errorf("truncated frame: %d of %d header bytes: %w", n, headerSize, err)
	case err != nil:
		return nil, fmt.Errorf("read header: %w", err)
	}

	// Check the length before allocating a buffer for it.
	size := binary.BigEndian.Uint32(header[:])
	if uint64(size) > uint64(limit) {
		return nil, fmt.Errorf("%w: %d bytes > limit %d", errTooLarge, size, limit)
	}

	// Then the message. Here any end of stream is a truncated frame, even
	// one right after the header: the header promised size more bytes.
	msg := make([]byte, size)
	n, err = io.ReadFull(r, msg)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return nil, fmt.Errorf("truncated frame: %d of %d message bytes: %w", n, size, io.ErrUnexpectedEOF)
	case err != nil:
		return nil, fmt.Errorf("read message: %w", err)
	}
	return msg, nil
}

// writeFrame writes msg's length and then msg. It puts both in one buffer
// and sends them with one Write: two Writes would work just as well for the
// receiver, but would cost a second system call and could leave as two
// small packets.
func writeFrame(w io.Writer, msg []byte) error {
	frame := make([]byte, headerSize+len(msg))
	binary.BigEndian.PutUint32(frame, uint32(len(msg)))
	copy(frame[headerSize:], msg)
	_, err := w.Write(frame)
	return err
}
