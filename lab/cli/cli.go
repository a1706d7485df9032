// Package cli is the lab's command line, as bytestream/final/cli is final's:
// `lab proxy` runs the proxy of package bytestream/lab/proxy, `lab demo` the
// demo of bytestream/lab/demo. It lives in a package, not in lab/main.go, so
// that any test binary can register `lab` as a testscript command and run it
// in-process.
//
// Start with Main; each subcommand has its own file.
package cli

import (
	"fmt"
	"io"
	"os"
)

// Main runs the lab with args (those after the program name), writing to
// os.Stdout and os.Stderr, and returns the exit code: 0 on success, 1 when
// running failed, 2 for a bad command line.
func Main(args []string) int {
	return run(args, os.Stdout, os.Stderr)
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "proxy":
		return runProxy(args[1:], stderr)
	case "demo":
		return runDemo(args[1:], stdout, stderr)
	case "grade":
		return runGrade(args[1:], stdout, stderr)
	case "exercises":
		return runExercises(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "lab: unknown command %q (want proxy, demo, grade or exercises; see lab help)\n", args[0])
	return 2
}

const usage = `usage: lab COMMAND [flags]

  lab proxy -listen ADDR -upstream ADDR [-up RULE] [-down RULE] [flags]
        forward TCP connections, splitting and coalescing writes on purpose
  lab demo
        show a naive receiver break and a length-prefixed one survive
  lab grade -stage N -- COMMAND [ARG...]
        start your server (in any language), grade it through cuts and merges, stop it
  lab grade -list
        the stages and their checks
  lab exercises [list|next|check|hint|solution|reset] ...
        your progress through the chapters' exercises (see lab exercises help)

A RULE is comma-separated settings: split=N, split=MIN-MAX, gap=DURATION
(default 2ms when splitting), coalesce=DURATION, delay=DURATION.
Run 'lab proxy -h' or 'lab grade -h' for their flags.
`
