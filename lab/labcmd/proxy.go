package labcmd

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
	"strconv"
	"syscall"

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
	hex              bool
	record, replay   string
	svg, addrFile    string
	color            colorMode
}

// parseProxyFlags parses args; an error is one line naming what is wrong.
func parseProxyFlags(args []string, stderr io.Writer) (proxyFlags, error) {
	f := proxyFlags{color: "auto"}
	var up, down, seed, frames string
	fs := flag.NewFlagSet("lab proxy", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.listen, "listen", "127.0.0.1:9001", "`address` to accept clients on (port 0: any free port)")
	fs.StringVar(&f.upstream, "upstream", "127.0.0.1:9000", "`address` of the server to forward to")
	fs.StringVar(&up, "up", "", "`rule` for client→server bytes, e.g. split=3 or coalesce=50ms")
	fs.StringVar(&down, "down", "", "`rule` for server→client bytes")
	fs.StringVar(&seed, "seed", "", "`seed` for every random choice (default: a random one, printed)")
	fs.StringVar(&frames, "frames", "off", "frame overlay: `v1` (PROTOCOL.md), len4 (step 03) or off")
	fs.BoolVar(&f.hex, "hex", false, "hex dump every chunk instead of quoting it")
	fs.StringVar(&f.record, "record", "", "write the piece schedule to `file` as JSON lines")
	fs.StringVar(&f.replay, "replay", "", "cut the stream as recorded in `file` (instead of -up/-down)")
	fs.StringVar(&f.svg, "svg", "", "draw connection 0 into `file` when it closes")
	fs.StringVar(&f.addrFile, "addr-file", "", "write the bound address to `file` once listening")
	fs.Var(&f.color, "color", "colour the log: auto (terminal, no NO_COLOR), always or never")
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
	return f, nil
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
		Framing: f.framing, SVG: f.svg, Log: proxy.NewLogger(stderr, f.color.enabled(stderr), f.hex)}
	if f.replay != "" {
		if cfg.Replay, err = readSchedule(f.replay); err != nil {
			fmt.Fprintf(stderr, "lab proxy: -replay %v\n", err)
			return 2
		}
	}
	if f.record != "" {
		file, err := os.Create(f.record)
		if err != nil {
			fmt.Fprintf(stderr, "lab proxy: -record: %v\n", err)
			return 1
		}
		defer file.Close()
		cfg.Record = proxy.NewRecorder(file)
	}
	return serve(f, cfg, stderr)
}

// serve listens, announces the address and seed, and proxies until SIGINT
// or SIGTERM.
func serve(f proxyFlags, cfg proxy.Config, stderr io.Writer) int {
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		fmt.Fprintf(stderr, "lab proxy: %v\n", err)
		return 1
	}
	addr := ln.Addr().String()
	cfg.Log.Printf("lab proxy: %s → %s  up: %s  down: %s  frames: %s  seed: %d (repeat with -seed %d)",
		addr, cfg.Upstream, describe(cfg.Up, cfg.Replay), describe(cfg.Down, cfg.Replay), cfg.Framing, cfg.Seed, cfg.Seed)
	if f.addrFile != "" {
		if err := writeAddrFile(f.addrFile, addr); err != nil {
			ln.Close()
			fmt.Fprintf(stderr, "lab proxy: -addr-file: %v\n", err)
			return 1
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p := proxy.New(cfg)
	served := make(chan error, 1)
	go func() { served <- p.Serve(ln) }()
	select {
	case <-ctx.Done():
		p.Close()
		<-served
		cfg.Log.Printf("lab proxy: interrupted; all connections closed, exiting")
		return 0
	case err := <-served:
		p.Close()
		fmt.Fprintf(stderr, "lab proxy: %v\n", err)
		return 1
	}
}

func describe(r shape.Rule, replay proxy.Schedule) string {
	if replay != nil {
		return "replay"
	}
	return r.String()
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
