// Package cli is the `final` command line: `final server`, `final client`,
// and the subcommands added beside them. Main is the whole program, so a test
// binary can register it as a testscript command:
//
//	testscript.Main(m, map[string]func(){"final": func() { os.Exit(cli.Main(os.Args[1:])) }})
//
// Each subcommand lives in its own file (server.go, client.go, ...), parses
// its own flags and returns an exit code: 0 done, 1 failed, 2 bad usage.
package cli

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	"bytestream/final/logging"
)

// command is one subcommand of `final`.
type command struct {
	name    string
	summary string
	run     func(args []string) int
}

// commands lists the subcommands in the order usage shows them. A new
// subcommand is one file in this package and one line here.
var commands = []command{
	{"server", "serve the ByteStream protocol", runServer},
	{"client", "send messages, pings or data to a server", runClient},
	{"bench", "measure latency and throughput beside raw TCP", runBench},
}

// Main runs the program with args (the arguments after the program name)
// and returns its exit code.
func Main(args []string) int {
	if len(args) == 0 {
		usage(os.Stderr)
		return 2
	}
	name := args[0]
	for _, c := range commands {
		if c.name == name {
			return c.run(args[1:])
		}
	}
	switch name {
	case "-h", "-help", "--help", "help":
		usage(os.Stdout)
		return 0
	}
	fmt.Fprintf(os.Stderr, "final: unknown command %q\n", name)
	usage(os.Stderr)
	return 2
}

// newLog returns the logger a command writes its diagnostics to: lines on
// stderr in final/logging's layout, coloured according to mode, every
// frame too when verbose. Logging never waits for stderr (a pipe nobody
// reads must not stop a server). Call the returned function before
// exiting: it writes out what is still queued.
func newLog(mode logging.ColorMode, verbose bool) (*slog.Logger, func()) {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	h := logging.NewHandler(os.Stderr, mode, level)
	return slog.New(h), func() { h.Close() }
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: final <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'final <command> -h' for a command's flags.")
}
