package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReplacesTheFileAndLeavesNoTemporary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	name := filepath.Join(dir, "addr")
	for _, want := range []string{"127.0.0.1:1\n", "127.0.0.1:2\n"} {
		if err := Write(name, []byte(want)); err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(name); err != nil || string(got) != want {
			t.Fatalf("file holds %q, %v; want %q", got, err, want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("directory holds %d entries; want only the file, no temporary left", len(entries))
	}
}

func TestWriteIntoAMissingDirectoryFails(t *testing.T) {
	t.Parallel()
	if err := Write(filepath.Join(t.TempDir(), "no", "such", "dir", "addr"), []byte("x")); err == nil {
		t.Fatal("Write into a missing directory succeeded")
	}
}
