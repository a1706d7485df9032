package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Ctrl-C must stop a bench whose server stopped answering, and the report
// must still come out. -timeout 1m leaves the signal as the only way out.
func TestInterruptStopsABenchBlockedOnAMuteServer(t *testing.T) {
	t.Parallel()
	addr, accepted := startMuteServer(t)
	cmd := final(t, "bench", "-addr", addr, "-timeout", "1m", "-pings", "10", "-warmup", "0")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	<-accepted // the bench has connected and waits for its first PONG
	sent := time.Now()
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	t.Logf("the bench exited %v after SIGINT", time.Since(sent).Round(time.Millisecond))
	if code := exitCode(err); code != 1 {
		t.Fatalf("bench after SIGINT: exit %d (%v), want 1; stderr:\n%s", code, err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "Stopped early: interrupted") || !strings.Contains(stderr.String(), "final bench: interrupted") {
		t.Errorf("bench after SIGINT printed\n%s\nand on stderr\n%s\nwant the partial report and the reason", stdout.String(), stderr.String())
	}
}

func TestBenchTimeoutEndsTheWaitForAMuteServer(t *testing.T) {
	t.Parallel()
	addr, _ := startMuteServer(t)
	out, err := final(t, "bench", "-addr", addr, "-timeout", "200ms").CombinedOutput()
	if code := exitCode(err); code != 1 {
		t.Fatalf("bench against a mute server: exit %d (%v), want 1; output:\n%s", code, err, out)
	}
	if want := "connection 1: no progress for 200ms"; !strings.Contains(string(out), want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
}

// An -svg path that cannot be written is a usage error before anything is
// measured: the mute server would hang a bench that started measuring
// (-timeout 0), and sees no connection.
func TestAnUnwritablePlotIsRefusedBeforeMeasuring(t *testing.T) {
	t.Parallel()
	addr, accepted := startMuteServer(t)
	plot := filepath.Join(t.TempDir(), "no-such-dir", "plot.svg")
	out, err := final(t, "bench", "-addr", addr, "-timeout", "0", "-svg", plot).CombinedOutput()
	if code := exitCode(err); code != 2 {
		t.Fatalf("bench -svg %s: exit %d (%v), want 2; output:\n%s", plot, code, err, out)
	}
	if want := "-svg: cannot write " + plot + ": " + syscall.ENOENT.Error(); !strings.Contains(string(out), want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
	select {
	case <-accepted:
		t.Error("the bench connected to the server before refusing its -svg path")
	default:
	}
}
