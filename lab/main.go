// Command lab is the workbook's laboratory: a proxy that splits and
// coalesces writes on purpose and shows where the message boundaries fall,
// and a demo of what that does to a naive receiver. See docs/lab.md, and
// package bytestream/lab/cli for the command line itself.
package main

import (
	"os"

	"bytestream/lab/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:]))
}
