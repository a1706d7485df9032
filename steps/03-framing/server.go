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

// handle prints every message that arrives on conn, then closes conn.
// Closing tells the client that the server has read everything it sent.
func handle(conn net.Conn, out, logger *log.Logger) {
	defer conn.Close()
	err := readFrames(conn, func(msg []byte) {
		out.Printf("received %q", msg)
	})
	if err != nil {
		logger.Printf("%s: %v", conn.RemoteAddr(), err)
		return
	}
	logger.Printf("%s: connection closed cleanly, at a frame boundary", conn.RemoteAddr())
}

// readFrames reads frames until the stream ends and delivers each message.
// It returns nil only for a clean end, between two frames.
func readFrames(r io.Reader, deliver func(msg []byte)) error {
	for {
		msg, err := readFrame(r, maxMessageSize)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		deliver(msg)
	}
}
