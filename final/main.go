// Command final is ByteStream's finished server and client:
//
//	go run ./final server -v
//	go run ./final client -message hello -message world
//
// Everything lives in the packages beneath final/; start reading at
// final/cli.
package main

import (
	"os"

	"bytestream/final/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }
