//go:build soak

package soak

import (
	"bytestream/final/server/servertest"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The bench is a client of many connections too: before its fix it held
// 2.5 to 3.0 GB for -conns 100 -sizes 16MiB (2.46 GB in one run, 3.06 GB in
// another, docs/bench.md), took 37 s for a 200 ms budget with -conns 500,
// and was deaf to Ctrl-C against a server that never answers.

// benchChild runs `final bench args...` as a child process (this test
// binary, see child_test.go) and returns its wall time and peak RSS.
func benchChild(t *testing.T, args ...string) (elapsed time.Duration, peakRSS float64) {
	t.Helper()
	cmd, _, _, started := childCommand(t, append([]string{"bench", "-color", "never"}, args...)...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	start := time.Now()
	err := cmd.Run()
	elapsed = time.Since(start)
	started()
	if err != nil {
		t.Fatalf("final bench %v: %v", args, err)
	}
	// Maxrss is in kilobytes on Linux.
	return elapsed, float64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) * 1024
}

func TestBenchMemoryWithManyConnectionsOfLargeFrames(t *testing.T) {
	const threat = "bench: -conns 100 -sizes 16MiB"
	_, peak := benchChild(t, "-conns", "100", "-sizes", "16MiB", "-pings", "100", "-warmup", "10", "-duration", "500ms")
	figures.Add(Row{threat, "bench peak RSS", mib(peak), "< 256 MiB", peak < 256<<20})
}

func TestBenchHonoursItsTimeBudgetWithManyConnections(t *testing.T) {
	const threat = "bench: -conns 500 -sizes 16 -duration 200ms"
	elapsed, _ := benchChild(t, "-conns", "500", "-sizes", "16", "-pings", "100", "-warmup", "10", "-duration", "200ms")
	figures.Add(Row{threat, "wall time (budget 3 × 200 ms + pings)", elapsed.Round(100 * time.Millisecond).String(), "< 20s (was 37s)", elapsed < 20*time.Second})
}

func TestCtrlCStopsABenchOnAMuteServer(t *testing.T) {
	const threat = "bench: server reads, never answers"
	addr, accepted := servertest.StartMute(t)

	cmd, _, _, started := childCommand(t, "bench", "-addr", addr, "-timeout", "1m")
	var report strings.Builder
	cmd.Stdout, cmd.Stderr = &report, io.Discard
	err := cmd.Start()
	started()
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-accepted:
	case <-time.After(mustFinish):
		cmd.Process.Kill()
		t.Fatal("the bench never connected")
	}
	sent := time.Now()
	cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(mustFinish):
		cmd.Process.Kill()
		<-done
	}
	took := time.Since(sent)
	printed := strings.Contains(report.String(), "Stopped early: interrupted")
	figures.Add(Row{threat, "SIGINT to exit, partial report printed", fmt.Sprint(took.Round(time.Millisecond)), "< 1s, printed",
		took < time.Second && printed})
	if !printed {
		t.Errorf("the interrupted bench printed no partial report:\n%s", report.String())
	}
}
