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
// The lesson is server.go, read top to bottom: serve, handle, and the broken
// loop in readMessages. main.go starts the server or the client, client.go
// sends, and addrfile.go tells scripts where the server listens; files of
// the same names do the same jobs in every step.
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
