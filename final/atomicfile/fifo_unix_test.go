//go:build unix && !aix

package atomicfile

import (
	"path/filepath"
	"syscall"
	"testing"
)

// makeFIFO makes a named pipe in dir, or returns "" where it cannot.
func makeFIFO(t *testing.T, dir string) string {
	t.Helper()
	name := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(name, 0o644); err != nil {
		t.Logf("no named pipe: %v", err)
		return ""
	}
	return name
}
