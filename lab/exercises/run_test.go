package exercises

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestWaitForSaveSeesAFileChangedAfterTheSnapshot(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "server.go")
	if err := os.WriteFile(file, []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(dir)
	// A save changes the size here, so the test needs no clock tick
	// between the two writes to tell them apart.
	if err := os.WriteFile(file, []byte("package main\n\n// saved\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !waitForSave(context.Background(), dir, before) {
		t.Error("waitForSave reported no change after a save")
	}
}

func TestWaitForSaveStopsWhenInterrupted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if waitForSave(ctx, dir, snapshot(dir)) {
		t.Error("waitForSave reported a change in a folder nobody touched")
	}
}
