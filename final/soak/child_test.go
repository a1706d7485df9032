package soak

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"bytestream/final/cli"
)

// childEnv, when set, makes the test binary run `final` instead of tests.
// Re-executing the test binary gives a server process built from exactly the
// code under test (with -race when the tests have it), without a separate
// `go build`.
const childEnv = "BYTESTREAM_SOAK_CHILD"

// mustFinish bounds every wait: generous for a loaded 2-core machine, and
// never itself a figure.
const mustFinish = 30 * time.Second

// childMain is the whole program of a server child: `final` with the
// arguments it was given, plus the memory probe on file descriptors 3
// (commands in) and 4 (answers out). When the test closes the probe, or
// dies, the probe's input ends and the child exits, so no server outlives
// the test that started it.
func childMain(args []string) int {
	go func() {
		err := ServeStats(os.NewFile(3, "probe-commands"), os.NewFile(4, "probe-answers"))
		if err != nil {
			os.Stderr.WriteString("probe: " + err.Error() + "\n")
		}
		os.Exit(3)
	}()
	return cli.Main(args)
}

// child is a `final server` process started by a test.
type child struct {
	t      *testing.T
	cmd    *exec.Cmd
	addr   string     // where it listens
	probe  *Probe     // its memory figures
	log    *syncLog   // its stderr
	probeW *os.File   // closing it ends the child
	probeR *os.File   // our end of the answers
	exited chan error // receives Wait's result once, then is closed
	result error
}

// startChild runs `final server` on a free loopback port with extra flags
// and waits until it listens. The child is stopped when the test ends.
func startChild(t *testing.T, flags ...string) *child {
	t.Helper()
	addrFile := filepath.Join(t.TempDir(), "addr")
	args := append([]string{"server", "-addr", "127.0.0.1:0", "-addr-file", addrFile, "-color", "never"}, flags...)
	cmd, probeW, probeR, started := childCommand(t, args...)
	c := &child{t: t, cmd: cmd, log: &syncLog{}, probeW: probeW, probeR: probeR, exited: make(chan error, 1)}
	c.cmd.Stdout, c.cmd.Stderr = c.log, c.log
	err := c.cmd.Start()
	started()
	if err != nil {
		t.Fatalf("start server child: %v", err)
	}
	go func() { c.exited <- c.cmd.Wait() }()
	t.Cleanup(c.stop)
	c.probe = NewProbe(probeW, probeR)
	c.addr = c.waitAddr(addrFile)
	return c
}

// childCommand prepares this test binary to run `final args...` as a child
// (childMain), with the memory probe's pipes as its extra files, which
// every child expects. It returns the test's ends of the probe: probeW,
// whose closing ends the child, and probeR, which holds its answers. Call
// started once the child has started (or failed to), so that the child
// alone holds its ends and probeR sees the end when the child exits.
// Whatever is still open is closed when the test ends.
func childCommand(t *testing.T, args ...string) (cmd *exec.Cmd, probeW, probeR *os.File, started func()) {
	t.Helper()
	cmdR, cmdW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	ansR, ansW, err := os.Pipe()
	if err != nil {
		cmdR.Close()
		cmdW.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, f := range []*os.File{cmdR, cmdW, ansR, ansW} {
			f.Close() // a second Close only reports os.ErrClosed
		}
	})
	cmd = exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.ExtraFiles = []*os.File{cmdR, ansW}
	return cmd, cmdW, ansR, func() { cmdR.Close(); ansW.Close() }
}

// waitAddr polls for the address file the server writes atomically once it
// listens, and fails at once if the server exits instead.
func (c *child) waitAddr(file string) string {
	c.t.Helper()
	deadline := time.Now().Add(mustFinish)
	for time.Now().Before(deadline) {
		if data, err := os.ReadFile(file); err == nil && len(bytes.TrimSpace(data)) > 0 {
			return string(bytes.TrimSpace(data))
		}
		select {
		case err := <-c.exited:
			c.result = err
			close(c.exited)
			c.t.Fatalf("server exited before listening (%v):\n%s", err, c.log)
		case <-time.After(5 * time.Millisecond):
		}
	}
	c.t.Fatalf("server did not write %s within %v:\n%s", file, mustFinish, c.log)
	return ""
}

// stats asks the child for its memory figures, failing the test if it
// cannot answer.
func (c *child) stats() Stats {
	c.t.Helper()
	s, err := c.probe.Stats()
	if err != nil {
		c.t.Fatalf("server memory: %v", err)
	}
	return s
}

// signal sends sig to the child.
func (c *child) signal(sig os.Signal) {
	c.t.Helper()
	if err := c.cmd.Process.Signal(sig); err != nil {
		c.t.Fatalf("signal server: %v", err)
	}
}

// wait waits up to limit for the child to exit and returns its exit code,
// or -1 if it is still running.
func (c *child) wait(limit time.Duration) int {
	select {
	case err, ok := <-c.exited:
		if ok {
			c.result = err
			close(c.exited)
		}
	case <-time.After(limit):
		return -1
	}
	var exit *exec.ExitError
	switch {
	case c.result == nil:
		return 0
	case errors.As(c.result, &exit):
		return exit.ExitCode()
	default:
		c.t.Errorf("wait for server: %v", c.result)
		return -1
	}
}

// stop ends the child if it still runs: closing the probe makes it exit,
// and a child that does not is killed.
func (c *child) stop() {
	c.probeW.Close()
	if c.wait(mustFinish) < 0 {
		c.cmd.Process.Kill()
		c.wait(mustFinish)
	}
	c.probeR.Close()
}

// syncLog collects a child's output while the test reads it.
type syncLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// TestChildServerAnswersAndReportsMemory checks the harness every soak test
// stands on: the child serves, answers the probe, and exits 0 on SIGTERM.
func TestChildServerAnswersAndReportsMemory(t *testing.T) {
	t.Parallel()
	srv := startChild(t)
	before := srv.stats()
	if before.RSS == 0 || before.Goroutines == 0 {
		t.Fatalf("implausible server stats: %+v", before)
	}
	pingOnce(t, srv.addr)
	srv.signal(syscall.SIGTERM)
	if code := srv.wait(mustFinish); code != 0 {
		t.Fatalf("server exit code %d after SIGTERM, want 0:\n%s", code, srv.log)
	}
	if !strings.Contains(srv.log.String(), "shutdown clean") {
		t.Errorf("server log has no clean shutdown:\n%s", srv.log)
	}
}
