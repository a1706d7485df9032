package main

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"net"
)

// serve accepts connections until ln is closed. Each connection is read in
// its own goroutine, so that one quiet client cannot hold up the others.
func serve(ln net.Listener, out, logger *log.Logger) error {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return fmt.Errorf("accept: %w", err)
		}
		go handle(conn, out, logger)
	}
}

// recordSize is the size of every record on the wire. Both sides must agree
// on it, because nothing in the stream says where a record ends.
const recordSize = 32

// handle prints every message that arrives on conn, then closes conn.
// Closing tells the client that the server has read everything it sent.
func handle(conn net.Conn, out, logger *log.Logger) {
	defer conn.Close()
	err := readRecords(conn, func(msg []byte) {
		out.Printf("received %q", msg)
	})
	if err != nil {
		logger.Printf("%s: %v", conn.RemoteAddr(), err)
		return
	}
	logger.Printf("%s: connection closed", conn.RemoteAddr())
}

// readRecords reads records until the stream ends, and delivers each one
// without the zero bytes that padded it. An end of stream between two
// records is the normal end; one in the middle of a record means the sender
// stopped early, and is an error.
func readRecords(r io.Reader, deliver func(msg []byte)) error {
	record := make([]byte, recordSize)
	for {
		n, err := readExactly(r, record)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read record: got %d of %d bytes: %w", n, recordSize, err)
		}
		deliver(bytes.TrimRight(record, "\x00"))
	}
}

// readExactly is the fix for step 01: it calls Read until buf is full,
// because one Read returns whatever has arrived so far, which may be less
// than a record. It returns io.EOF only if the stream ended before the
// first byte, and io.ErrUnexpectedEOF if it ended part way through, so the
// caller can tell a clean end from a cut-off record. The standard library
// has this loop already, as io.ReadFull; the tests check that the two agree.
func readExactly(r io.Reader, buf []byte) (int, error) {
	filled := 0
	for filled < len(buf) {
		n, err := r.Read(buf[filled:])
		filled += n
		if err != nil {
			// Read may return the last bytes together with an error:
			// if they complete buf, the record is whole.
			if filled == len(buf) {
				return filled, nil
			}
			if err == io.EOF && filled > 0 {
				return filled, io.ErrUnexpectedEOF
			}
			return filled, err
		}
	}
	return filled, nil
}
