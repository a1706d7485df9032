// Command 01-naive is step 01 of ByteStream: a receive loop that looks right
// and is wrong.
//
// The server takes every conn.Read to be one whole message, and the client
// sends each -message with its own conn.Write. On loopback, with small
// messages and an idle machine, the two usually line up, so the program seems
// to work. They line up by luck: TCP delivers a stream of bytes and keeps no
// trace of where one Write ended and the next began. Put the lab proxy in
// between and the server prints merged messages and fragments.
//
// Try it in two terminals:
//
//	go run ./steps/01-naive server
//	go run ./steps/01-naive client -message hello -message world
//
// Read this file from top to bottom: main picks a subcommand, the server
// comes next with the broken loop in readMessages, and the client is last.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
)

// defaultAddr is where the server listens and the client connects unless
// -addr says otherwise. It is loopback only, so nothing outside this machine
// can reach a teaching server.
const defaultAddr = "127.0.0.1:9000"

const usage = `usage:
  go run ./steps/01-naive server [-addr ADDR] [-addr-file FILE]
  go run ./steps/01-naive client [-addr ADDR] -message TEXT [-message TEXT ...]`

// main runs the subcommand named by the first argument. The work is in run,
// which returns an exit status instead of exiting, so that tests can call it.
func main() {
	os.Exit(run(os.Args[1:]))
}

// run dispatches to the server or the client. A command line it does not
// understand gets the usage and status 2, as the flag package does.
func run(args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "server":
			return runServer(args[1:])
		case "client":
			return runClient(args[1:])
		}
	}
	fmt.Fprintln(os.Stderr, usage)
	return 2
}

// runServer listens, says where, and serves until it is interrupted.
func runServer(args []string) int {
	flags := flag.NewFlagSet("server", flag.ContinueOnError)
	addr := flags.String("addr", defaultAddr, "listen on `ADDR`; port 0 lets the kernel pick a free port")
	addrFile := flags.String("addr-file", "", "once listening, write the address to `FILE` (for scripts and tests)")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	logger := log.New(os.Stderr, "server: ", 0)

	// Listen first, then announce the address: with port 0 only the
	// listener knows which port the kernel chose.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		logger.Print(err)
		return 1
	}
	logger.Printf("listening on %s", ln.Addr())
	if *addrFile != "" {
		if err := writeAddrFile(*addrFile, ln.Addr().String()); err != nil {
			logger.Print(err)
			return 1
		}
	}

	// Closing the listener on SIGINT makes Accept fail, which ends serve:
	// that is how Ctrl-C becomes a clean exit with status 0.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		ln.Close()
	}()

	// Messages go to stdout, one line each; everything else goes to stderr.
	// A log.Logger writes each line with one Write, even when several
	// connections print at once.
	err = serve(ln, log.New(os.Stdout, "", 0), logger)
	if ctx.Err() != nil {
		logger.Print("interrupted, shutting down")
		return 0
	}
	logger.Print(err)
	return 1
}

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

// runClient connects and sends every -message as its own Write.
func runClient(args []string) int {
	flags := flag.NewFlagSet("client", flag.ContinueOnError)
	addr := flags.String("addr", defaultAddr, "connect to `ADDR`")
	var messages []string
	flags.Func("message", "send `TEXT` with one Write; repeat the flag to send several", func(s string) error {
		messages = append(messages, s)
		return nil
	})
	if err := flags.Parse(args); err != nil {
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

// writeAddrFile writes addr to path atomically: into a temporary file in the
// same directory first, then renamed over path. A script waiting for path
// never sees it half written.
func writeAddrFile(path, addr string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("addr file: %w", err)
	}
	_, err = tmp.WriteString(addr + "\n")
	err = errors.Join(err, tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("addr file: %w", err)
	}
	return nil
}
