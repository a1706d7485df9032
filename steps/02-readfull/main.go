// Command 02-readfull is step 02 of ByteStream: fixed-size records, each
// read with a loop that keeps calling Read until the record is complete.
//
// Step 01 showed that one Read is not one message. Here sender and receiver
// agree on a size instead: every message travels as a record of exactly
// recordSize bytes, padded with zero bytes, and the server reads exactly
// that many bytes before it looks at them. However the stream is cut or
// merged on the way, the records come out whole. The price is the fixed
// size: a longer message is cut, and a short one wastes the rest of its
// record.
//
// Try it in two terminals:
//
//	go run ./steps/02-readfull server
//	go run ./steps/02-readfull client -message hello -message world
//
// Read this file from top to bottom: main picks a subcommand, the server
// comes next with readExactly, the loop that is this step's lesson, and the
// client is last.
package main

import (
	"bytes"
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
  go run ./steps/02-readfull server [-addr ADDR] [-addr-file FILE]
  go run ./steps/02-readfull client [-addr ADDR] -message TEXT [-message TEXT ...]`

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

// runClient connects and sends every -message as its own Write.
func runClient(args []string) int {
	flags := flag.NewFlagSet("client", flag.ContinueOnError)
	addr := flags.String("addr", defaultAddr, "connect to `ADDR`")
	var messages []string
	flags.Func("message", "send `TEXT` as one record with one Write; repeat the flag to send several", func(s string) error {
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
	for _, m := range messages {
		if len(m) > recordSize {
			logger.Printf("message of %d bytes cut to the record size, %d bytes", len(m), recordSize)
		}
	}

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
	logger.Printf("records sent: %d, %d bytes on the wire for %d bytes of messages",
		len(messages), len(messages)*recordSize, totalLen(messages))
	return 0
}

// send writes each message as one record with a Write of its own. However
// the network cuts or merges those writes, the server reads them back as
// records of recordSize bytes.
func send(conn net.Conn, messages []string) error {
	for _, m := range messages {
		if _, err := conn.Write(record(m)); err != nil {
			return fmt.Errorf("write %q: %w", m, err)
		}
	}
	return finish(conn)
}

// record pads msg with zero bytes to recordSize, or cuts it to recordSize
// when it is longer: the limit of fixed-size records.
func record(msg string) []byte {
	rec := make([]byte, recordSize)
	copy(rec, msg)
	return rec
}

// totalLen is the number of bytes in messages, to compare with what the
// records cost.
func totalLen(messages []string) int {
	total := 0
	for _, m := range messages {
		total += len(m)
	}
	return total
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
