// Package demo is `lab demo`: the same messages sent to a naive receiver
// and to a length-prefixed one, each behind a lab proxy with the same rule,
// printed side by side. The receivers live here because the steps they
// mirror (01 and 03) are package main and cannot be imported.
//
// Start with Run; the receivers are Naive and Framed.
package demo

import (
	"encoding/binary"
	"fmt"
	"io"
)

// Naive receives the way step 01 does, wrongly: it takes every Read as one
// message, so it sees whatever pieces the stream happens to arrive in.
func Naive(r io.Reader) ([]string, error) {
	var msgs []string
	buf := make([]byte, 1024)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			msgs = append(msgs, string(buf[:n]))
		}
		if err == io.EOF {
			return msgs, nil
		}
		if err != nil {
			return msgs, err
		}
	}
}

// maxMessage bounds what Framed accepts, so a garbled length cannot make it
// allocate without limit.
const maxMessage = 1 << 20

// Framed receives the way step 03 does: a 4-byte big-endian length, then
// exactly that many bytes, each read with io.ReadFull whatever the pieces.
func Framed(r io.Reader) ([]string, error) {
	var msgs []string
	var header [4]byte
	for {
		if _, err := io.ReadFull(r, header[:]); err != nil {
			if err == io.EOF {
				return msgs, nil // the stream ended between messages: a clean end
			}
			return msgs, fmt.Errorf("read length: %w", err)
		}
		n := binary.BigEndian.Uint32(header[:])
		if n > maxMessage {
			return msgs, fmt.Errorf("message of %d bytes is over the limit %d", n, maxMessage)
		}
		msg := make([]byte, n)
		if _, err := io.ReadFull(r, msg); err != nil {
			return msgs, fmt.Errorf("read %d-byte message: %w", n, err)
		}
		msgs = append(msgs, string(msg))
	}
}

// AppendFramed appends msg as Framed expects it: length, then bytes.
func AppendFramed(dst []byte, msg string) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(msg)))
	return append(dst, msg...)
}
