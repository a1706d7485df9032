package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/mattn/go-isatty"

	"bytestream/final/atomicfile"
	"bytestream/final/bench"
	"bytestream/final/logging"
	"bytestream/final/units"
)

// runBench is `final bench`: measure latency and throughput against an
// in-process server (and the raw TCP baseline) or an external one, and
// print the report as a table, JSON or CSV, optionally drawing an SVG.
func runBench(args []string) int {
	fs := newFlagSet("bench", "[-addr host:port] [-conns N] [-sizes list] [-duration d] [-rate R | -sweep] [-timeout d] [-json | -csv] [-svg file]")
	cfg := bench.DefaultConfig()
	fs.StringVar(&cfg.Addr, "addr", "", "measure the server at this `address` (default: start one in-process, and run the raw TCP baseline)")
	fs.IntVar(&cfg.Conns, "conns", cfg.Conns, "run every experiment on `N` connections at once")
	fs.IntVar(&cfg.Pings, "pings", cfg.Pings, "measured PING/PONG round trips per connection")
	fs.IntVar(&cfg.Warmup, "warmup", cfg.Warmup, "unmeasured round trips before them")
	pingSize := size(cfg.PingSize)
	fs.Var(&pingSize, "ping-size", "PING payload `size`")
	sizes := sizeList(cfg.Sizes)
	fs.Var(&sizes, "sizes", "comma-separated DATA payload `sizes` (e.g. 64B,1MiB)")
	fs.DurationVar(&cfg.Duration, "duration", cfg.Duration, "time budget of each size in each mode")
	fs.DurationVar(&cfg.Timeout, "timeout", cfg.Timeout, "fail when a connection makes no progress for this long (0: wait forever)")
	fs.Float64Var(&cfg.Rate, "rate", 0, "instead: the open loop, PINGs sent at this many `per second` over all connections for -duration, timed from their due times")
	fs.BoolVar(&cfg.Sweep, "sweep", false, "instead: latency against load, the open loop at 10% to 120% of the rate the server sustains")
	asJSON := fs.Bool("json", false, "print the report as one JSON object (schema: docs/bench.md)")
	asCSV := fs.Bool("csv", false, "print the report as CSV")
	svg := fs.String("svg", "", "also draw throughput and latency into this SVG `file`")
	var colour logging.ColorMode
	fs.Var(&colour, "color", "colour the table: auto (on a terminal, unless NO_COLOR is set), always or never")
	if exit, ok := parse(fs, args); !ok {
		return exit
	}
	if *asJSON && *asCSV {
		return usageError(fs, "-json and -csv both print the report; choose one")
	}
	cfg.PingSize, cfg.Sizes = int(pingSize), sizes
	if err := cfg.Validate(); err != nil {
		return usageError(fs, "%v", err)
	}

	// An -svg path that cannot be written, or that the atomic write would
	// refuse (a device, a pipe, a link), is found now, not after the
	// measuring.
	if *svg != "" {
		if err := atomicfile.Check(*svg); err != nil {
			return usageError(fs, "-svg: %v", err)
		}
	}

	if isatty.IsTerminal(os.Stderr.Fd()) {
		bar := bench.ProgressBar{W: os.Stderr}
		cfg.Progress = bar.Update
		defer bar.Clear()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, runErr := bench.Run(ctx, cfg)
	if rep == nil {
		fmt.Fprintf(os.Stderr, "\nfinal bench: %v\n", runErr)
		return 1
	}
	// A report is printed even when the run stopped early (Ctrl-C, a
	// failed experiment): it holds what finished, and says why it stopped.
	if err := writeBenchReport(os.Stdout, rep, *svg, *asJSON, *asCSV, colour); err != nil {
		fmt.Fprintf(os.Stderr, "final bench: %v\n", err)
		return 1
	}
	if runErr != nil {
		if errors.Is(runErr, context.Canceled) {
			runErr = errors.New("interrupted")
		}
		fmt.Fprintf(os.Stderr, "final bench: %v\n", runErr)
		return 1
	}
	return 0
}

// writeBenchReport prints the report in the format asked for, then draws
// the plot, if asked: a plot that cannot be written (the disk filled up
// during the run) must not take the measurements down with it.
func writeBenchReport(out io.Writer, rep *bench.Report, svg string, asJSON, asCSV bool, colour logging.ColorMode) error {
	var err error
	switch {
	case asJSON:
		err = rep.WriteJSON(out)
	case asCSV:
		err = rep.WriteCSV(out)
	default:
		err = rep.WriteTable(out, colour.Enabled(out))
	}
	if err != nil || svg == "" {
		return err
	}
	var buf bytes.Buffer
	rep.WriteSVG(&buf)
	if err := writeFileAtomic(svg, buf.Bytes()); err != nil {
		return fmt.Errorf("write plot: %w", err)
	}
	return nil
}

// sizeList is the -sizes flag: payload sizes separated by commas.
type sizeList []int

func (l *sizeList) String() string {
	var parts []string
	for _, n := range *l {
		parts = append(parts, units.FormatSize(int64(n)))
	}
	return strings.ReplaceAll(strings.Join(parts, ","), " ", "")
}

func (l *sizeList) Set(v string) error {
	var sizes []int
	for _, part := range strings.Split(v, ",") {
		var s size
		if err := s.Set(part); err != nil {
			return err
		}
		sizes = append(sizes, int(s))
	}
	*l = sizes
	return nil
}
