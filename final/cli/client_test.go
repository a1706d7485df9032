package cli

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"bytestream/final/frame"
	"bytestream/final/server/servertest"
)

// final returns the command `final args...`, run by this test binary (see
// TestMain), killed if it outlives the test's patience.
func final(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "FINAL_CLI_MAIN=1")
	return cmd
}

func TestClientTimeoutEndsTheWaitForAMuteServer(t *testing.T) {
	t.Parallel()
	addr, _ := servertest.StartMute(t)
	out, err := final(t, "client", "-addr", addr, "-message", "hello", "-timeout", "200ms").CombinedOutput()
	if code := exitCode(err); code != 1 {
		t.Fatalf("client against a mute server: exit %d (%v), want 1; output:\n%s", code, err, out)
	}
	if want := "final client: no answer within 200ms (-timeout): "; !strings.Contains(string(out), want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
}

// A connection that cannot be made in time names -timeout too, as a
// missing answer does. A timeout of 1 ns expires before any dial, so this
// needs no unreachable address (tests stay on loopback).
func TestClientTimeoutWhileConnectingNamesTheFlag(t *testing.T) {
	t.Parallel()
	addr, _ := servertest.StartMute(t)
	out, err := final(t, "client", "-addr", addr, "-message", "hello", "-timeout", "1ns").CombinedOutput()
	if code := exitCode(err); code != 1 {
		t.Fatalf("client with -timeout 1ns: exit %d (%v), want 1; output:\n%s", code, err, out)
	}
	if want := "final client: could not connect within 1ns (-timeout): "; !strings.Contains(string(out), want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
}

// exitCode is the command's exit status, -1 if it did not exit by itself.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

// A transfer cut short must still say how far it got: the last ACK total
// is where the user resumes from, and a bare "server closed the
// connection" threw it away.
func TestAnInterruptedTransferReportsItsLastAckTotal(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { // ACK three 10-byte DATA frames, then hang up
		defer close(done)
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r, w := frame.NewReader(c), frame.NewWriter(c)
		for total := uint64(10); total <= 30; total += 10 {
			if _, _, err := r.ReadFrame(); err != nil {
				return
			}
			w.WriteAck(total)
		}
		w.Flush()
	}()
	t.Cleanup(func() { l.Close(); <-done })
	out, err := final(t, "client", "-addr", l.Addr().String(), "-data", "10", "-count", "10").CombinedOutput()
	if code := exitCode(err); code != 1 {
		t.Fatalf("client: exit %d (%v), want 1; output:\n%s", code, err, out)
	}
	if want := "3 of 10 DATA frames acknowledged (ACK total 30), then receive: "; !strings.Contains(string(out), want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
}
