// Package atomicfile writes a file so that no reader ever sees half of it:
// the lab's address files (a script polls for them) and its -svg picture.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write writes data to name through a temporary file in the same directory
// and a rename, so a reader sees either no file (or the old one) or all of
// data, never a part.
func Write(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
