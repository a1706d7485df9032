// Command 05-bench is step 05 of ByteStream: step 04's protocol, measured.
//
// The server and client are step 04's, with one change: the server prints
// each request only with -v, because printing a line costs more than
// answering a frame and a benchmark would measure the terminal. The new
// subcommand, bench, measures two things honestly: the round-trip time of a
// PING, reported as percentiles of the sorted samples because an average
// hides the slow ones, and DATA throughput across payload sizes, sending
// one frame at a time (stop-and-wait) and many ahead of the answers
// (pipelined), to show where bigger frames stop helping.
//
// Try it:
//
//	go run ./steps/05-bench bench
//
// or against a server of your own, in two terminals:
//
//	go run ./steps/05-bench server
//	go run ./steps/05-bench bench -addr 127.0.0.1:9000
//
// The lesson is bench.go, read top to bottom from runBench; report.go
// prints what it measured. main.go is step 04's with -v and bench; the
// server, protocol, frame and client files are step 04's.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
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
  go run ./steps/05-bench server [-addr ADDR] [-addr-file FILE] [-v]
  go run ./steps/05-bench client [-addr ADDR] [-message TEXT ...] [-frame TYPE:PAYLOAD ...] [-ping N]
  go run ./steps/05-bench bench [-addr ADDR] [-pings N] [-time DURATION] [-sizes LIST]`

// main runs the subcommand named by the first argument. The work is in run,
// which returns an exit status instead of exiting, so that tests can call it.
func main() {
	os.Exit(run(os.Args[1:]))
}

// run dispatches to the server, the client or the benchmark. A command line it does not
// understand gets the usage and status 2, as the flag package does.
func run(args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "server":
			return runServer(args[1:])
		case "client":
			return runClient(args[1:])
		case "bench":
			return runBench(args[1:])
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
	verbose := flags.Bool("v", false, "print every request on stdout (slow: it is one line per frame)")
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

	// With -v, requests go to stdout, one line each; everything else goes
	// to stderr. Without it they go nowhere: at a few hundred thousand
	// frames a second, the lines would be the bottleneck.
	requests := log.New(io.Discard, "", 0)
	if *verbose {
		requests = log.New(os.Stdout, "", 0)
	}
	err = serve(ln, requests, logger)
	if ctx.Err() != nil {
		logger.Print("interrupted, shutting down")
		return 0
	}
	logger.Print(err)
	return 1
}
