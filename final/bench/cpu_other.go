//go:build !unix

package bench

import "time"

// processCPU cannot tell the CPU time on this platform; the report then
// leaves the CPU columns out.
func processCPU() (time.Duration, bool) { return 0, false }
