// Command lab is the workbook's laboratory: a proxy that splits and
// coalesces writes on purpose and shows where the message boundaries fall,
// and a demo of what that does to a naive receiver. See docs/lab.md, and
// package bytestream/lab/labcmd for the command line itself.
package main

import (
	"os"

	"bytestream/lab/labcmd"
)

func main() {
	os.Exit(labcmd.Main(os.Args[1:]))
}
