// Command 03-framing is step 03 of ByteStream: each message travels as a
// frame, a 4-byte big-endian length followed by that many bytes.
//
// Step 02 made messages survive any cutting of the stream, but only by
// forcing every message into the same size. Here the sender writes the
// length of each message before it, and the receiver reads exactly the 4
// bytes of that length and then exactly as many bytes as it says. Messages
// can be any size up to the receiver's limit, and cost 4 bytes more than
// their text. The receiver checks the length against that limit before it
// allocates anything, and tells a stream that ends cleanly between frames
// from one cut off inside a frame.
//
// Try it in two terminals:
//
//	go run ./steps/03-framing server
//	go run ./steps/03-framing client -message hello -message world
//
// The lesson is frame.go: readFrame, then writeFrame, its mirror image.
// server.go is step 02's with frames for records, client.go sends with
// writeFrame, and main.go and addrfile.go are step 02's.
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
  go run ./steps/03-framing server [-addr ADDR] [-addr-file FILE]
  go run ./steps/03-framing client [-addr ADDR] -message TEXT [-message TEXT ...]`

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
