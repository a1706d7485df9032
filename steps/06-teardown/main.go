// Command 06-teardown is step 06 of ByteStream: step 05's server made to
// survive the real world, where clients are slow, silent, hostile, or leave
// in the middle of a frame.
//
// Each threat gets one rule, and each rule is a flag with a safe default:
//
//   - a connection with no frame started for -idle-timeout is closed;
//   - a frame that has started must arrive whole within -frame-timeout,
//     however slowly its bytes trickle in (slowloris);
//   - a length above -max-payload is answered with ERROR, then the server
//     hangs up, since it can no longer trust where frames start;
//   - memory is about connections × payload limit unless something bounds
//     it: DATA is counted, never kept, and the TEXT and PING payloads held
//     by all connections together stay within -max-memory;
//   - a client that stops reading is cut off after -write-timeout;
//   - a client that half-closes gets every answer, then a clean close;
//   - a frame cut off by a close or a reset is logged with its byte counts;
//   - Ctrl-C stops accepting, lets each connection finish the frame it is
//     on, and waits up to -grace before it closes the rest;
//   - a panic while serving one connection closes that one, not the server;
//   - beyond -max-conns connections, a newcomer is told ERROR and closed;
//   - a limit that cannot work (-max-payload -1, -grace 0) stops the
//     server before it starts, with status 2.
//
// After this step everything in docs/protocol.md applies.
//
//	go run ./steps/06-teardown server -idle-timeout 10s -frame-timeout 2s
//	go run ./steps/06-teardown client -message hello
//
// The lesson is server.go, read top to bottom: the server's memory of its
// connections, serve, handle (the per-connection loop with its deadlines),
// receive (where the memory goes), hangUp and linger (closing without
// losing answers), and shutdown. main.go holds the limits, their flags and
// their checks. frame.go cuts readFrame in two and adds byte counts to
// every error inside a frame, and protocol.go counts DATA by its size;
// client.go, bench.go and report.go are step 05's.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// defaultAddr is where the server listens and the client connects unless
// -addr says otherwise. It is loopback only, so nothing outside this machine
// can reach a teaching server.
const defaultAddr = "127.0.0.1:9000"

const usage = `usage:
  go run ./steps/06-teardown server [-addr ADDR] [-addr-file FILE] [-v] [-max-payload BYTES] [-max-conns N]
        [-max-memory BYTES] [-idle-timeout D] [-frame-timeout D] [-write-timeout D] [-grace D]
  go run ./steps/06-teardown client [-addr ADDR] [-message TEXT ...] [-frame TYPE:PAYLOAD ...] [-ping N]
  go run ./steps/06-teardown bench [-addr ADDR] [-pings N] [-time DURATION] [-sizes LIST]`

// main runs the subcommand named by the first argument. The work is in run,
// which returns an exit status instead of exiting, so that tests can call it.
func main() {
	os.Exit(run(os.Args[1:]))
}

// run dispatches to the server, the client or the benchmark. A command line
// it does not understand gets the usage and status 2, as the flag package
// does.
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

// config holds the limits that keep one client from hurting the others.
// Each has a flag; the defaults are docs/protocol.md's.
type config struct {
	maxPayload   int           // largest payload accepted, in bytes
	maxMemory    int           // payload bytes held at once, by all connections together
	maxConns     int           // connections served at once
	idleTimeout  time.Duration // how long a connection may wait between frames
	frameTimeout time.Duration // how long one frame may take to arrive, once started
	writeTimeout time.Duration // how long one answer may take to leave
	grace        time.Duration // how long Ctrl-C waits for frames in progress
}

// defaultConfig has docs/protocol.md's defaults. The connection cap and the
// memory budget are ours: a thousand goroutines and their buffers are
// nothing to a server, and a few hundred thousand would be; 64 MiB holds
// four TEXT frames of the largest size at once, or two PINGs.
var defaultConfig = config{
	maxPayload:   maxPayloadSize,
	maxMemory:    64 << 20,
	maxConns:     1000,
	idleTimeout:  60 * time.Second,
	frameTimeout: 10 * time.Second,
	writeTimeout: 10 * time.Second,
	grace:        5 * time.Second,
}

// minBackoff and maxBackoff bound the wait after a failed Accept (see serve
// in server.go), as in net/http: 5 ms, doubling up to a second.
const (
	minBackoff = 5 * time.Millisecond
	maxBackoff = time.Second
)

// validate refuses limits that cannot work, as final's server does: a
// -max-payload of -1 would switch the limit off, a -max-conns of 0 would
// refuse everyone, and a timeout of 0 or less would close every connection
// at once. A budget smaller than two payloads could never answer a PING of
// the largest size.
func (c config) validate() error {
	switch {
	case c.maxPayload < 1 || int64(c.maxPayload) > math.MaxUint32:
		return fmt.Errorf("-max-payload must be from 1 to %d bytes (what a 4-byte length holds), not %d", uint32(math.MaxUint32), c.maxPayload)
	case int64(c.maxMemory) < 2*int64(c.maxPayload):
		return fmt.Errorf("-max-memory must hold a PING of -max-payload and its PONG, at least %d bytes, not %d", 2*c.maxPayload, c.maxMemory)
	case c.maxConns < 1:
		return fmt.Errorf("-max-conns must be at least 1, not %d", c.maxConns)
	}
	for _, d := range []struct {
		flag  string
		value time.Duration
	}{
		{"-idle-timeout", c.idleTimeout}, {"-frame-timeout", c.frameTimeout},
		{"-write-timeout", c.writeTimeout}, {"-grace", c.grace},
	} {
		if d.value <= 0 {
			return fmt.Errorf("%s must be positive, not %v", d.flag, d.value)
		}
	}
	return nil
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

// runServer listens, says where, and serves until it is interrupted; then
// it shuts down gracefully.
func runServer(args []string) int {
	flags := flag.NewFlagSet("server", flag.ContinueOnError)
	addr := flags.String("addr", defaultAddr, "listen on `ADDR`; port 0 lets the kernel pick a free port")
	addrFile := flags.String("addr-file", "", "once listening, write the address to `FILE` (for scripts and tests)")
	verbose := flags.Bool("v", false, "print every request on stdout (slow: it is one line per frame)")
	cfg := defaultConfig
	flags.IntVar(&cfg.maxPayload, "max-payload", cfg.maxPayload, "answer a longer frame with ERROR and hang up (`bytes`)")
	flags.IntVar(&cfg.maxMemory, "max-memory", cfg.maxMemory, "hold at most `bytes` of TEXT and PING payloads at once, across all connections")
	flags.IntVar(&cfg.maxConns, "max-conns", cfg.maxConns, "refuse connections beyond `N` at once")
	flags.DurationVar(&cfg.idleTimeout, "idle-timeout", cfg.idleTimeout, "close a connection with no frame started for this `long`")
	flags.DurationVar(&cfg.frameTimeout, "frame-timeout", cfg.frameTimeout, "a started frame must arrive whole within this `long`")
	flags.DurationVar(&cfg.writeTimeout, "write-timeout", cfg.writeTimeout, "close a connection whose answer cannot leave for this `long`")
	flags.DurationVar(&cfg.grace, "grace", cfg.grace, "on Ctrl-C, wait this `long` for frames in progress")
	if !parseFlags(flags, args) {
		return 2
	}
	if err := cfg.validate(); err != nil {
		fmt.Fprintf(os.Stderr, "server: %v\n", err)
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

	// Closing the listener on SIGINT makes Accept fail, which ends serve.
	// The connections are still open at that point: shutdown deals with
	// them.
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
	s := newServer(cfg, requests, logger)
	err = s.serve(ln)
	if ctx.Err() == nil {
		logger.Print(err)
		return 1
	}
	logger.Print("interrupted: stopped accepting, finishing the frames in progress")
	if !s.shutdown() {
		logger.Printf("grace period of %v over: closed the connections still busy", cfg.grace)
		return 0
	}
	logger.Print("shutdown clean")
	return 0
}
