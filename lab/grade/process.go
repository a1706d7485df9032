package grade

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// StartTimeout bounds how long the grader waits for a program it started to
// accept connections: long enough for `go run` to compile on a busy
// machine, short enough that a program that never listens fails clearly.
const StartTimeout = 60 * time.Second

// stopGrace is how long a program gets to exit after SIGINT before it is
// killed.
const stopGrace = 5 * time.Second

// tailLines is how many of the program's last output lines a failure to
// start shows.
const tailLines = 15

// process is a learner's program the grader started in its own process
// group, so that a `go run` wrapper and its child stop together.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed once the program exited
	err  error         // Wait's result, valid after done
	tail *tail
	// goRun: the program is `go run`, which exits 1 after an interrupt
	// even when the program it ran exited 0 (it prints "exit status N"
	// only when that program failed).
	goRun bool
}

// freeAddr asks the kernel for a free loopback port. The port is free when
// this returns; the program is told it and binds it moments later.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// expand replaces {addr}, {host} and {port} in each argument.
func expand(args []string, addr string) []string {
	host, port, _ := net.SplitHostPort(addr)
	r := strings.NewReplacer("{addr}", addr, "{host}", host, "{port}", port)
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = r.Replace(a)
	}
	return out
}

// startProcess runs argv with stdout feeding lines (when not nil) and both
// outputs feeding the tail, with PORT and ADDR in its environment.
func startProcess(argv []string, addr string, lines *lineLog, log io.Writer) (*process, error) {
	host, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(argv[0], argv[1:]...)
	// PYTHONUNBUFFERED: a Python server's print reaches the pipe at once,
	// as it would reach a terminal.
	cmd.Env = append(os.Environ(), "PORT="+port, "ADDR="+addr, "HOST="+host, "PYTHONUNBUFFERED=1")
	p := &process{cmd: cmd, done: make(chan struct{}), tail: &tail{},
		goRun: len(argv) > 1 && filepath.Base(argv[0]) == "go" && argv[1] == "run"}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = p.tail
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	fmt.Fprintf(log, "lab grade: started %q, pid %d, on %s\n", argv, cmd.Process.Pid, addr)
	out := io.TeeReader(stdout, p.tail)
	var copied sync.WaitGroup
	copied.Add(1)
	go func() {
		defer copied.Done()
		if lines != nil {
			lines.follow(out)
		}
		io.Copy(io.Discard, out)
	}()
	go func() {
		copied.Wait() // Wait closes the pipe: read it all first
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// waitListening dials addr until it answers, the program exits, or
// StartTimeout passes.
func (p *process) waitListening(parent context.Context, addr string) error {
	ctx, cancel := context.WithTimeout(parent, StartTimeout)
	defer cancel()
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("the server exited (%s) before it listened on %s; its last output:\n%s", p.exitStatus(), addr, p.tail.last(tailLines))
		case <-ctx.Done():
			if parent.Err() != nil { // Ctrl-C, not StartTimeout
				return errors.New("interrupted while waiting for the server to listen")
			}
			return fmt.Errorf("the server did not listen on %s within %v; is {addr} or {port} (or $PORT) in the command? Its last output:\n%s", addr, StartTimeout, p.tail.last(tailLines))
		case <-time.After(dialPoll):
		}
	}
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// exitStatus describes how the program ended; call it after done.
func (p *process) exitStatus() string {
	var exit *exec.ExitError
	switch {
	case p.err == nil:
		return "exit status 0"
	case errors.As(p.err, &exit):
		return exit.ProcessState.String()
	}
	return p.err.Error()
}

// exitCode is the program's exit code, -1 when a signal ended it. For
// `go run` after an interrupt, it is the code of the program go ran: 1
// only if go said "exit status 1" in the output since offset.
func (p *process) exitCode(offset int64) int {
	code := p.cmd.ProcessState.ExitCode()
	if p.goRun && code == 1 && !strings.Contains(p.tail.since(offset, tailLines), "exit status ") {
		return 0
	}
	return code
}

// stop interrupts the program's process group, then kills it after
// stopGrace. It returns once the program has exited.
func (p *process) stop() {
	if p.exited() {
		return
	}
	signalGroup(p.cmd, interruptSignal)
	select {
	case <-p.done:
		return
	case <-time.After(stopGrace):
	}
	signalGroup(p.cmd, killSignal)
	<-p.done
}

// tail keeps the last output of the program, for the messages that show it.
type tail struct {
	mu      sync.Mutex
	buf     []byte
	written int64 // bytes written in all, so a check can ask for what came since it began
}

// tailBytes bounds the memory the tail keeps.
const tailBytes = 16 << 10

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	t.written += int64(len(p))
	if len(t.buf) > 2*tailBytes {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-tailBytes:]...)
	}
	return len(p), nil
}

// offset is how much output there has been so far.
func (t *tail) offset() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.written
}

// since returns the last n lines written after offset, indented, or "" if
// nothing was.
func (t *tail) since(offset int64, n int) string {
	t.mu.Lock()
	fresh := t.written - offset
	t.mu.Unlock()
	if fresh <= 0 {
		return ""
	}
	return t.lastOf(n, fresh)
}

// last returns the last n lines, indented, or a note that there were none.
func (t *tail) last(n int) string { return t.lastOf(n, -1) }

// lastOf returns the last n lines of the last limit bytes (all kept, if
// limit < 0).
func (t *tail) lastOf(n int, limit int64) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	buf := t.buf
	if limit >= 0 && limit < int64(len(buf)) {
		buf = buf[int64(len(buf))-limit:]
	}
	lines := strings.Split(strings.TrimRight(string(bytes.ToValidUTF8(buf, []byte("?"))), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	if len(lines) == 1 && lines[0] == "" {
		return "    (no output)"
	}
	return "    " + strings.Join(lines, "\n    ")
}
