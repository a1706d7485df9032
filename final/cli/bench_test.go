package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"bytestream/final/bench"
	"bytestream/final/logging"
	"bytestream/final/server/servertest"
)

// Ctrl-C must stop a bench whose server stopped answering, and the report
// must still come out. -timeout 1m leaves the signal as the only way out.
func TestInterruptStopsABenchBlockedOnAMuteServer(t *testing.T) {
	t.Parallel()
	addr, accepted := servertest.StartMute(t)
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
	addr, _ := servertest.StartMute(t)
	out, err := final(t, "bench", "-addr", addr, "-timeout", "200ms").CombinedOutput()
	if code := exitCode(err); code != 1 {
		t.Fatalf("bench against a mute server: exit %d (%v), want 1; output:\n%s", code, err, out)
	}
	if want := "connection 1: no progress for 200ms"; !strings.Contains(string(out), want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
}

// An -svg path that cannot be written, or that the atomic write would
// refuse, is a usage error before anything is measured: the mute server
// would hang a bench that started measuring (-timeout 0), and sees no
// connection. A symbolic link to a regular file can be written beside, so
// only a check that knows the writer's refusals finds it in time.
func TestAnUnwritablePlotIsRefusedBeforeMeasuring(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	link := filepath.Join(dir, "link.svg")
	if err := os.WriteFile(filepath.Join(dir, "old.svg"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("old.svg", link); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	missing := filepath.Join(dir, "no-such-dir", "plot.svg")
	for _, tc := range []struct{ plot, want string }{
		{missing, "-svg: write " + missing + ": " + syscall.ENOENT.Error()},
		{link, "-svg: " + link + " exists and is a symbolic link, not a regular file: refusing to replace it"},
	} {
		addr, accepted := servertest.StartMute(t)
		out, err := final(t, "bench", "-addr", addr, "-timeout", "0", "-svg", tc.plot).CombinedOutput()
		if code := exitCode(err); code != 2 {
			t.Fatalf("bench -svg %s: exit %d (%v), want 2; output:\n%s", tc.plot, code, err, out)
		}
		if !strings.Contains(string(out), tc.want) {
			t.Errorf("output lacks %q:\n%s", tc.want, out)
		}
		select {
		case <-accepted:
			t.Errorf("the bench connected to the server before refusing -svg %s", tc.plot)
		default:
		}
	}
}

// A plot that fails to be written after the run (here a link, which the
// check before the run would have refused) must not take the printed
// report with it.
func TestTheReportIsPrintedWhenThePlotCannotBeWritten(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	link := filepath.Join(dir, "plot.svg")
	if err := os.Symlink("elsewhere.svg", link); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	rep := &bench.Report{Stopped: "interrupted"}
	var out bytes.Buffer
	err := writeBenchReport(&out, rep, link, false, false, logging.Never)
	if err == nil || !strings.Contains(err.Error(), "write plot: ") {
		t.Errorf("writeBenchReport to a link: error %v, want the plot's", err)
	}
	if !strings.Contains(out.String(), "Stopped early: interrupted") {
		t.Errorf("the report was not printed before the plot failed; printed:\n%s", out.String())
	}
}
