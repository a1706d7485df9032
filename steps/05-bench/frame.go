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
// docs/protocol.md. readFrame checks it before allocating anything, so a peer
// that declares 4 GiB costs the server nothing.
const maxPayloadSize = 16 << 20

// errTooLarge reports a declared length above maxPayload.
var errTooLarge = errors.New("frame too large")

// readFrame reads one frame and returns its type and payload, of at most
// max bytes. It is step 03's readFrame with one more header byte: the
// header is read whole before the type means anything, so a frame cut
// anywhere is still told apart from a clean end between frames.
func readFrame(r io.Reader, max int) (msgType, []byte, error) {
	var header [headerSize]byte
	n, err := io.ReadFull(r, header[:])
	switch {
	case err == io.EOF:
		return 0, nil, io.EOF
	case err == io.ErrUnexpectedEOF:
		return 0, nil, fmt.Errorf("truncated frame: %d of %d header bytes: %w", n, headerSize, err)
	case err != nil:
		return 0, nil, fmt.Errorf("read header: %w", err)
	}
	size := binary.BigEndian.Uint32(header[0:4])
	t := msgType(header[4])

	// Check the length before allocating: the header is five bytes anyone
	// can send, and make([]byte, 4<<30) is not a request to honour.
	if uint64(size) > uint64(max) {
		return t, nil, fmt.Errorf("%w: %d bytes > limit %d", errTooLarge, size, max)
	}
	payload := make([]byte, size)
	n, err = io.ReadFull(r, payload)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return t, nil, fmt.Errorf("truncated %s frame: %d of %d payload bytes: %w", t, n, size, io.ErrUnexpectedEOF)
	case err != nil:
		return t, nil, fmt.Errorf("read %s payload: %w", t, err)
	}
	return t, payload, nil
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
