package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"bytestream/final/client"
)

// TestMain lets a test run the whole program in a child process: with
// FINAL_CLI_MAIN set, this binary is `final`.
func TestMain(m *testing.M) {
	if os.Getenv("FINAL_CLI_MAIN") != "" {
		os.Exit(Main(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// The scripts in testdata/final cover SIGINT; testscript cannot send
// SIGTERM, which is what a service manager sends, so this test does.
func TestServerShutsDownCleanlyOnSIGTERM(t *testing.T) {
	t.Parallel()
	addrFile := filepath.Join(t.TempDir(), "addr")
	cmd := exec.Command(os.Args[0], "server", "-addr", "127.0.0.1:0", "-addr-file", addrFile)
	cmd.Env = append(os.Environ(), "FINAL_CLI_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := waitForFile(t, addrFile)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	if total, err := c.Text("hello"); err != nil || total != 5 {
		t.Fatalf("Text = %d, %v", total, err)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("server exited with %v; log:\n%s", err, stderr.String())
	}
	c.Close()
	log := stderr.String()
	for _, want := range []string{"listening on " + addr, "closed: server shutting down; 1 frame in", "shutdown clean\n"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

// waitForFile polls for the address file the server child writes once it
// listens: another process writing a file raises no event this test could
// wait on.
func waitForFile(t *testing.T, path string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		data, err := os.ReadFile(path)
		if err == nil {
			return strings.TrimSpace(string(data))
		}
		if time.Now().After(deadline) {
			t.Fatalf("no address file: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestAddressFileIsWrittenWholeAndLeavesNoTempFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "addr")
	if err := writeFileAtomic(path, []byte("127.0.0.1:1234\n")); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "127.0.0.1:1234\n" {
		t.Fatalf("file holds %q", data)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("directory holds %d files, want only the address file", len(entries))
	}
}
