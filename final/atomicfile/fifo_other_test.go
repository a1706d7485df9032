//go:build !unix || aix

package atomicfile

import "testing"

// makeFIFO returns "": this system has no named pipes, or (AIX) its
// syscall package cannot make one.
func makeFIFO(*testing.T, string) string { return "" }
