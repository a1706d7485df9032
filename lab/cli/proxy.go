package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"bytestream/final/atomicfile"
	"bytestream/final/logging"
	"bytestream/lab/proxy"
	"bytestream/lab/shape"
)

// proxyFlags is the proxy's command line, parsed and checked.
type proxyFlags struct {
	listen, upstream string
	up, down         shape.Rule
	seed             int64
	seedGiven        bool
	framing          proxy.Framing
	hex, stable      bool
	record, replay   string
	svg, addrFile    string
	color            logging.ColorMode // the one colour decision, shared with final
}

// parseProxyFlags parses args; an error is one line naming what is wrong.
func parseProxyFlags(args []string, stderr io.Writer) (proxyFlags, error) {
	var f proxyFlags
	var up, down, seed, frames string
	fs := flag.NewFlagSet("lab proxy", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.listen, "listen", "127.0.0.1:9001", "`address` to accept clients on (port 0: any free port)")
	fs.StringVar(&f.upstream, "upstream", "127.0.0.1:9000", "`address` of the server to forward to")
	fs.StringVar(&up, "up", "", "`rule` for client→server bytes, e.g. split=3 or coalesce=50ms")
	fs.StringVar(&down, "down", "", "`rule` for server→client bytes")
	fs.StringVar(&seed, "seed", "", "`seed` for every random choice (default: a random one, printed)")
	fs.StringVar(&frames, "frames", "off", "frame overlay: `v1` (docs/protocol.md), len4 (step 03) or off")
	fs.BoolVar(&f.hex, "hex", false, "hex dump every chunk instead of quoting it")
	fs.BoolVar(&f.stable, "stable", false, "leave times and addresses out of the log, so runs can be compared")
	fs.StringVar(&f.record, "record", "", "write the piece schedule to `file` as JSON lines")
	fs.StringVar(&f.replay, "replay", "", "cut the stream as recorded in `file` (instead of -up/-down)")
	fs.StringVar(&f.svg, "svg", "", "draw connection 0 into `file` when it closes")
	fs.StringVar(&f.addrFile, "addr-file", "", "write the bound address to `file` once listening")
	fs.Var(&f.color, "color", "colour the log by direction: `mode` auto (on a terminal, unless NO_COLOR is set), always or never")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fmt.Fprintln(stderr, "usage: lab proxy -listen ADDR -upstream ADDR [flags]")
			fs.PrintDefaults()
		}
		return f, err
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("unexpected argument %q (flags only)", fs.Arg(0))
	}
	var err error
	if f.up, err = shape.ParseRule(up); err != nil {
		return f, fmt.Errorf("-up: %w", err)
	}
	if f.down, err = shape.ParseRule(down); err != nil {
		return f, fmt.Errorf("-down: %w", err)
	}
	if f.framing, err = proxy.ParseFraming(frames); err != nil {
		return f, fmt.Errorf("-%w", err)
	}
	if seed != "" {
		if f.seed, err = strconv.ParseInt(seed, 10, 64); err != nil {
			return f, fmt.Errorf("-seed: %q is not a whole number", seed)
		}
		f.seedGiven = true
	}
	if f.replay != "" && (up != "" || down != "") {
		return f, errors.New("-replay cuts as recorded: leave out -up and -down")
	}
	if f.listen == "" {
		return f, errors.New("-listen is empty: give host:port (127.0.0.1:0 picks a free port)")
	}
	if err := checkUpstream(f.upstream); err != nil {
		return f, fmt.Errorf("-upstream: %w", err)
	}
	return f, nil
}

// checkUpstream finds a mistyped upstream address at start: the proxy
// dials it only when a client connects, where a typo would fail every
// connection instead of the command.
func checkUpstream(addr string) error {
	a, err := net.ResolveTCPAddr("tcp", addr)
	switch {
	case err != nil:
		return err
	case a.Port == 0:
		return fmt.Errorf("%q has port 0: give the port the server listens on", addr)
	}
	return nil
}

func runProxy(args []string, stderr io.Writer) int {
	f, err := parseProxyFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "lab proxy: %v\n", err)
		return 2
	}
	if !f.seedGiven {
		f.seed = rand.Int64N(1_000_000)
	}
	cfg := proxy.Config{Upstream: f.upstream, Up: f.up, Down: f.down, Seed: f.seed,
		Framing: f.framing, SVG: f.svg, Log: proxy.NewLogger(stderr, proxy.LogOptions{Color: f.color.Enabled(stderr), Hex: f.hex, Stable: f.stable})}
	if f.replay != "" {
		if cfg.Replay, err = readSchedule(f.replay); err != nil {
			fmt.Fprintf(stderr, "lab proxy: -replay %v\n", err)
			return 2
		}
	}
	if f.svg != "" {
		// Found now, not when connection 0 closes and the picture is lost.
		if err := atomicfile.Check(f.svg); err != nil {
			fmt.Fprintf(stderr, "lab proxy: -svg: %v\n", err)
			return 1
		}
	}
	if f.record == "" {
		return serve(f, cfg, stderr)
	}
	file, err := os.Create(f.record)
	if err != nil {
		fmt.Fprintf(stderr, "lab proxy: -record: %v\n", err)
		return 1
	}
	cfg.Record = proxy.NewRecorder(file)
	code := serve(f, cfg, stderr)
	// A recording with a hole would replay wrongly: a failed write (a full
	// disk) or close fails the command.
	if err := errors.Join(cfg.Record.Err(), file.Close()); err != nil {
		fmt.Fprintf(stderr, "lab proxy: -record %s: %v\n", f.record, err)
		return 1
	}
	return code
}

// isSelf reports whether upstream names the address the proxy listens on:
// the same port, and the same IP or a loopback one when the proxy listens
// on every interface. One client then made the proxy dial itself 10,000
// times. (Two proxies pointing at each other are not caught.)
func isSelf(listening net.Addr, upstream string) bool {
	l, ok := listening.(*net.TCPAddr)
	u, err := net.ResolveTCPAddr("tcp", upstream)
	if !ok || err != nil || l.Port != u.Port {
		return false
	}
	return l.IP.Equal(u.IP) || l.IP.IsUnspecified() && (u.IP.IsLoopback() || u.IP == nil || u.IP.IsUnspecified())
}

// shutdownGrace is how long SIGINT lets open connections end by themselves
// before they are closed: enough for one that was already ending to log it.
const shutdownGrace = 2 * time.Second

// serve listens, announces the address and seed, and proxies until SIGINT
// or SIGTERM.
func serve(f proxyFlags, cfg proxy.Config, stderr io.Writer) int {
	// Catch signals before announcing the address: a script that reads the
	// address file and sends SIGINT at once must get a clean exit.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		fmt.Fprintf(stderr, "lab proxy: %v\n", err)
		return 1
	}
	addr := ln.Addr().String()
	if isSelf(ln.Addr(), cfg.Upstream) {
		ln.Close()
		fmt.Fprintf(stderr, "lab proxy: -upstream %s is this proxy's own address (%s): every connection would forward to itself until the file descriptors ran out\n", cfg.Upstream, addr)
		return 2
	}
	if !f.stable {
		cfg.Log.Printf("lab proxy: listening on %s, forwarding to %s", addr, cfg.Upstream)
	}
	if f.replay != "" {
		cfg.Log.Printf("lab proxy: cutting as recorded in %s  frames: %s", filepath.Base(f.replay), cfg.Framing)
	} else {
		cfg.Log.Printf("lab proxy: up: %s  down: %s  frames: %s  seed: %d (repeat with -seed %d)",
			cfg.Up, cfg.Down, cfg.Framing, cfg.Seed, cfg.Seed)
	}
	if f.addrFile != "" {
		remove, err := atomicfile.Publish(f.addrFile, []byte(addr+"\n"))
		if err != nil {
			ln.Close()
			fmt.Fprintf(stderr, "lab proxy: -addr-file: %v\n", err)
			return 1
		}
		defer remove()
	}
	p := proxy.New(cfg)
	served := make(chan error, 1)
	go func() { served <- p.Serve(ln) }()
	select {
	case <-ctx.Done():
		grace, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		p.Shutdown(grace)
		<-served
		cfg.Log.Printf("lab proxy: interrupted; all connections closed, exiting")
		if err := p.PictureErr(); err != nil {
			fmt.Fprintf(stderr, "lab proxy: -svg: %v\n", err)
			return 1
		}
		return 0
	case err := <-served:
		p.Close()
		fmt.Fprintf(stderr, "lab proxy: %v\n", err)
		return 1
	}
}

func readSchedule(name string) (proxy.Schedule, error) {
	file, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	s, err := proxy.ReadSchedule(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}
