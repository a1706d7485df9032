package labtest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWaitForAddrReturnsTheTrimmedAddress(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "addr")
	if err := os.WriteFile(file, []byte("127.0.0.1:4242\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := waitForAddr(file, time.Second)
	if err != nil || got != "127.0.0.1:4242" {
		t.Fatalf("waitForAddr = %q, %v; want 127.0.0.1:4242", got, err)
	}
}

func TestWaitForAddrGivesUpWithTheFileName(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "never")
	_, err := waitForAddr(file, 20*time.Millisecond)
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("waitForAddr on a missing file: err = %v, want one wrapping os.ErrNotExist", err)
	}
	var te *timeoutError
	if !errors.As(err, &te) || te.file != file {
		t.Fatalf("error %v does not name %s", err, file)
	}
}

func TestWaitForAddrIgnoresAFileThatHoldsNoAddress(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(file, []byte("my notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := waitForAddr(file, 20*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), `it holds "my notes", not host:port`) {
		t.Fatalf("waitForAddr on a file of notes: err = %v; want a timeout saying what it holds", err)
	}
}
