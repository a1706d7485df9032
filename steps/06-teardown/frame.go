package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// A frame is step 03's length prefix plus one byte that says what the
// payload means:
//
//	+--------+--------+--------+--------+--------+---------------------+
//	|     payload length, big-endian    |  type  | payload (length B)  |
//	+--------+--------+--------+--------+--------+---------------------+
//
// The length counts the payload only, so an empty PING is five bytes.
const headerSize = 5

// maxPayloadSize is the largest payload the server accepts, the 16 MiB of
// docs/protocol.md. readHeader checks it before anything is allocated, so a
// peer that declares 4 GiB costs the server nothing.
const maxPayloadSize = 16 << 20

// errTooLarge reports a declared length above maxPayload.
var errTooLarge = errors.New("frame too large")

// readFrame reads one frame and returns its type and payload, of at most
// max bytes. It is step 05's readFrame cut in two, readHeader and
// readPayload, so that the server can decide between them whether a
// payload is worth keeping (see receive in server.go).
func readFrame(r io.Reader, max int) (msgType, []byte, error) {
	t, size, err := readHeader(r, max)
	if err != nil {
		return t, nil, err
	}
	payload, err := readPayload(r, t, size)
	return t, payload, err
}

// readHeader reads a frame's header whole, so that a frame cut anywhere is
// still told apart from a clean end between frames, and checks the length
// against max before anyone allocates for it.
func readHeader(r io.Reader, max int) (msgType, int, error) {
	var header [headerSize]byte
	n, err := io.ReadFull(r, header[:])
	switch {
	case err == io.EOF:
		return 0, 0, io.EOF
	case err == io.ErrUnexpectedEOF:
		return 0, 0, fmt.Errorf("truncated frame: %d of %d header bytes: %w", n, headerSize, err)
	case err != nil:
		return 0, 0, fmt.Errorf("frame header: %d of %d bytes, then: %w", n, headerSize, err)
	}
	size := binary.BigEndian.Uint32(header[0:4])
	t := msgType(header[4])

	// The header is five bytes anyone can send, and make([]byte, 4<<30)
	// is not a request to honour. Compared as int64, a negative max
	// refuses everything instead of wrapping round to "no limit".
	if int64(size) > int64(max) {
		return t, 0, fmt.Errorf("%w: %d bytes > limit %d", errTooLarge, size, max)
	}
	return t, int(size), nil
}

// readPayload reads the size bytes of a t frame's payload into a new
// buffer: the frame costs its size in memory.
func readPayload(r io.Reader, t msgType, size int) ([]byte, error) {
	payload := make([]byte, size)
	n, err := io.ReadFull(r, payload)
	if err != nil {
		return nil, payloadError(t, n, size, err)
	}
	return payload, nil
}

// skipPayload reads the size bytes of a t frame's payload and drops them,
// a few kilobytes at a time through io.Discard: the frame costs the same
// whatever its size.
func skipPayload(r io.Reader, t msgType, size int) error {
	n, err := io.CopyN(io.Discard, r, int64(size))
	if err != nil {
		return payloadError(t, int(n), size, err)
	}
	return nil
}

// payloadError says how far a payload got before err: a stream that ended
// is a truncated frame, anything else (a reset, a deadline) is passed on
// with the same counts.
func payloadError(t msgType, n, size int, err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("truncated %s frame: %d of %d payload bytes: %w", t, n, size, io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("%s frame: %d of %d payload bytes, then: %w", t, n, size, err)
}

// writeFrame sends header and payload with one Write. Two writes would
// arrive just as well, since TCP keeps bytes in order, but one Write is one
// system call and never leaves a lone header waiting for its payload.
func writeFrame(w io.Writer, t msgType, payload []byte) error {
	frame := make([]byte, headerSize+len(payload))
	binary.BigEndian.PutUint32(frame[0:4], uint32(len(payload)))
	frame[4] = byte(t)
	copy(frame[headerSize:], payload)
	if _, err := w.Write(frame); err != nil {
		return fmt.Errorf("write %s frame: %w", t, err)
	}
	return nil
}
