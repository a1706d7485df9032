// Command 04-messages is step 04 of ByteStream: the framed byte pipe of
// step 03 becomes a protocol.
//
// Every frame now carries a type byte after its length, and the server
// answers each request with exactly one typed reply: TEXT and DATA get an
// ACK with the running byte total, PING gets a PONG with the same payload,
// and a frame the server will not serve gets an ERROR while the connection
// stays open. From here on the wire format is the one in docs/protocol.md, so
// this server and `final client` understand each other.
//
// Try it in two terminals:
//
//	go run ./steps/04-messages server
//	go run ./steps/04-messages client -message hello -message world
//	go run ./steps/04-messages client -frame 0x42:hi -message hello -ping 3
//
// The lesson is protocol.go: the message types and respond, the whole
// protocol in one switch. frame.go is step 03's frame with a type byte,
// server.go answers each frame before reading the next, client.go prints
// the answers, and main.go and addrfile.go are step 03's.
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
  go run ./steps/04-messages server [-addr ADDR] [-addr-file FILE]
  go run ./steps/04-messages client [-addr ADDR] [-message TEXT ...] [-frame TYPE:PAYLOAD ...] [-ping N]`

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

	// Requests go to stdout, one line each; everything else goes to
	// stderr. A log.Logger writes each line with one Write, even when
	// several connections print at once.
	err = serve(ln, log.New(os.Stdout, "", 0), logger)
	if ctx.Err() != nil {
		logger.Print("interrupted, shutting down")
		return 0
	}
	logger.Print(err)
	return 1
}
