package main

import (
	"bufio"
	"fmt"
	"io"
	"log"
	"net"
)

// serve accepts connections until ln is closed. Each connection is served in
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

// handle reads frames one after the other and answers each before reading
// the next. Answers therefore leave in the order the requests arrived, even
// when a client sends many requests before it reads any answer.
func handle(conn net.Conn, out, logger *log.Logger) {
	defer conn.Close()
	peer := conn.RemoteAddr()

	// The bufio.Reader turns many small frames into few system calls;
	// readFrame does not care how the bytes were grouped.
	in := bufio.NewReader(conn)
	var total uint64 // TEXT and DATA payload bytes accepted: what ACK reports
	for {
		t, payload, err := readFrame(in, maxPayloadSize)
		if err == io.EOF {
			logger.Printf("%s: connection closed cleanly, at a frame boundary", peer)
			return
		}
		if err != nil {
			// A framing error: we no longer know where the next frame
			// starts, so the only safe thing left is to hang up.
			logger.Printf("%s: %v", peer, err)
			return
		}
		printRequest(out, t, payload)
		answerType, answer := respond(t, payload, &total)
		if answerType == typeError {
			logger.Printf("%s: rejected %s frame: %s", peer, t, answer)
		}
		if err := writeFrame(conn, answerType, answer); err != nil {
			logger.Printf("%s: %v", peer, err)
			return
		}
	}
}
