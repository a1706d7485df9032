package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
)

// runClient connects and sends every -message as its own Write.
func runClient(args []string) int {
	flags := flag.NewFlagSet("client", flag.ContinueOnError)
	addr := flags.String("addr", defaultAddr, "connect to `ADDR`")
	var messages []string
	flags.Func("message", "send `TEXT` with one Write; repeat the flag to send several", func(s string) error {
		messages = append(messages, s)
		return nil
	})
	if !parseFlags(flags, args) {
		return 2
	}
	if len(messages) == 0 {
		fmt.Fprintln(os.Stderr, "client: nothing to send: give -message at least once")
		return 2
	}
	logger := log.New(os.Stderr, "client: ", 0)

	conn, err := net.Dial("tcp", *addr)
	if err != nil {
		logger.Print(err)
		return 1
	}
	defer conn.Close()
	if err := send(conn, messages); err != nil {
		logger.Print(err)
		return 1
	}
	logger.Printf("messages sent: %d", len(messages))
	return 0
}

// send writes each message with a Write of its own. The client keeps its
// messages apart; the lesson of this step is that the server still cannot
// see where they were apart.
func send(conn net.Conn, messages []string) error {
	for _, m := range messages {
		if _, err := conn.Write([]byte(m)); err != nil {
			return fmt.Errorf("write %q: %w", m, err)
		}
	}
	return finish(conn)
}

// finish closes the client's sending half, so that the server's Read
// reports io.EOF once it has read everything, and then waits until the
// server closes its side. When finish returns, the server has seen every
// byte the client sent.
func finish(conn net.Conn) error {
	half, ok := conn.(interface{ CloseWrite() error })
	if !ok {
		return fmt.Errorf("finish: %T cannot close only its sending half", conn)
	}
	if err := half.CloseWrite(); err != nil {
		return fmt.Errorf("finish: %w", err)
	}
	if _, err := io.Copy(io.Discard, conn); err != nil {
		return fmt.Errorf("finish: wait for the server to close: %w", err)
	}
	return nil
}
