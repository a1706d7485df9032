package labcmd

import (
	"os"
	"path/filepath"
)

// writeAddrFile writes addr to name atomically (temp file, then rename), so
// a script waiting for the file never reads half an address.
func writeAddrFile(name, addr string) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".addr-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(addr + "\n"); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
