package cli

import (
	"bufio"
	"bytes"
	"context"
	"net"
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

// A second Ctrl-C during the grace period ends it at once, the way a spent
// grace period does: busy connections closed, "shutdown forced", exit 1,
// and the address file removed. It used to kill the process outright, which
// left the address file behind for the next script to read a dead port from.
func TestASecondSignalForcesTheShutdownAndRemovesTheAddressFile(t *testing.T) {
	t.Parallel()
	addrFile := filepath.Join(t.TempDir(), "addr")
	cmd := exec.Command(os.Args[0], "server", "-addr", "127.0.0.1:0", "-addr-file", addrFile,
		"-grace", "1m", "-write-timeout", "1m", "-color", "never")
	cmd.Env = append(os.Environ(), "FINAL_CLI_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	var log strings.Builder
	go func() {
		s := bufio.NewScanner(stderr)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	addr := waitForFile(t, addrFile)

	// A client that sends big PINGs and never reads keeps its connection
	// busy: the server blocks writing PONGs, up to the one-minute timeout.
	stuck, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer stuck.Close()
	stuck.(*net.TCPConn).SetReadBuffer(4096)
	ping := append([]byte{0, 1, 0, 0, 2}, make([]byte, 64<<10)...)
	go func() {
		for range 64 {
			if _, err := stuck.Write(ping); err != nil {
				return
			}
		}
	}()
	waitForLine(t, lines, &log, "[conn 1] connected")
	cmd.Process.Signal(os.Interrupt)
	waitForLine(t, lines, &log, "shutting down")
	cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("the server did not exit within 20s of a second SIGINT; log:\n%s", log.String())
	}
	for line := range lines {
		log.WriteString(line + "\n")
	}
	if code := exitCode(err); code != 1 {
		t.Errorf("after a second SIGINT: exit %d (%v), want 1; log:\n%s", code, err, log.String())
	}
	if !strings.Contains(log.String(), "shutdown forced") {
		t.Errorf("log lacks \"shutdown forced\":\n%s", log.String())
	}
	if _, err := os.Stat(addrFile); !os.IsNotExist(err) {
		t.Errorf("the address file outlived the server: %v", err)
	}
}

// waitForLine reads the server's log lines into log until one contains want.
func waitForLine(t *testing.T, lines <-chan string, log *strings.Builder, want string) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("the log ended without %q:\n%s", want, log.String())
			}
			log.WriteString(line + "\n")
			if strings.Contains(line, want) {
				return
			}
		case <-timeout:
			t.Fatalf("no %q in the log within 20s:\n%s", want, log.String())
		}
	}
}
