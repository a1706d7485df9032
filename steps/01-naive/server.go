package main

import (
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

// handle prints every message it believes arrived on conn, then closes conn.
// Closing tells the client that the server has read everything it sent.
func handle(conn net.Conn, out, logger *log.Logger) {
	defer conn.Close()
	err := readMessages(conn, func(msg []byte) {
		out.Printf("received %q", msg)
	})
	if err != nil {
		logger.Printf("%s: %v", conn.RemoteAddr(), err)
		return
	}
	logger.Printf("%s: connection closed", conn.RemoteAddr())
}

// readMessages is the bug this step is about. It takes whatever one Read
// returned to be one message, as if TCP kept the edges of the sender's
// writes. It does not: Read returns the bytes that have arrived so far, up
// to len(buf), so one message can come in pieces and two messages can come
// in one Read.
func readMessages(r io.Reader, deliver func(msg []byte)) error {
	buf := make([]byte, 1024)
	for {
		n, err := r.Read(buf)
		// Read may return bytes and an error together, so the bytes are
		// delivered before the error is looked at.
		if n > 0 {
			deliver(buf[:n])
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read: %w", err)
		}
	}
}
