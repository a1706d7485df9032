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
// The lesson is server.go, read top to bottom: serve, handle, readRecords
// and readExactly, the loop that is this step's fix. client.go pads each
// message into a record; main.go and addrfile.go are step 01's.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
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

// parseFlags parses a subcommand's flags and refuses any word left over:
// `server extra` is a typo or a misunderstanding, and a program that
// ignored it would hide the mistake. It reports false for status 2; the
// flag package has already printed its own errors.
func parseFlags(flags *flag.FlagSet, args []string) bool {
	if err := flags.Parse(args); err != nil {
		return false
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "%s: unexpected argument %q\n", flags.Name(), flags.Arg(0))
		return false
	}
	return true
}

// runServer listens, says where, and serves until it is interrupted.
func runServer(args []string) int {
	flags := flag.NewFlagSet("server", flag.ContinueOnError)
	addr := flags.String("addr", defaultAddr, "listen on `ADDR`; port 0 lets the kernel pick a free port")
	addrFile := flags.String("addr-file", "", "once listening, write the address to `FILE` (for scripts and tests)")
	if !parseFlags(flags, args) {
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
