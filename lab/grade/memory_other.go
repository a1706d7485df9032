//go:build !linux

package grade

type memory struct{ rss, virtual, peakRSS, peakVirtual int64 }

// groupMemory is only measured on Linux, through /proc.
func groupMemory(pgid int) (memory, bool) { return memory{}, false }

func resetPeaks(pgid int) {}
