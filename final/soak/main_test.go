package soak

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// figures is the table the soak tests fill and TestMain prints at the end.
var figures Table

// TestMain either becomes a server process (when a test re-executed this
// binary as a child, see child_test.go) or runs the tests, prints the
// figures table if any test filled it, and fails the run if a goroutine
// outlived its test.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(childMain(os.Args[1:]))
	}
	code := m.Run()
	if figures.Len() > 0 {
		fmt.Println("\nFigures (make soak):")
		figures.WriteMarkdown(os.Stdout)
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goroutines outlived the tests: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}
