package cli

import (
	"flag"
	"fmt"
	"io"

	"bytestream/lab/demo"
)

func runDemo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lab demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			fmt.Fprintln(stderr, "usage: lab demo\n\nSends the same messages to a naive and a length-prefixed receiver, each\nbehind a lab proxy, and prints side by side what each received.")
			return 0
		}
		fmt.Fprintf(stderr, "lab demo: %v\n", err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "lab demo: unexpected argument %q (the demo takes no arguments)\n", fs.Arg(0))
		return 2
	}
	if err := demo.Run(stdout); err != nil {
		fmt.Fprintf(stderr, "lab demo: %v\n", err)
		return 1
	}
	return 0
}
