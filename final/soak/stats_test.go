package soak

import (
	"io"
	"runtime"
	"strings"
	"testing"
)

// TestProbeAnswersOverPipes runs both ends of the probe protocol in one
// process, the way a test and its server child run them over two pipes.
func TestProbeAnswersOverPipes(t *testing.T) {
	t.Parallel()
	reqR, reqW := io.Pipe()
	respR, respW := io.Pipe()
	served := make(chan error, 1)
	go func() { served <- ServeStats(reqR, respW) }()
	probe := NewProbe(reqW, respR)

	s, err := probe.ResetPeak()
	if err != nil {
		t.Fatal(err)
	}
	if s.RSS == 0 || s.PeakRSS < s.RSS || s.Live() == 0 || s.Goroutines == 0 {
		t.Errorf("implausible stats after reset: %+v", s)
	}
	// A big allocation, kept live across the probe, must show in the
	// figures: Live grows by about its size and the peak covers it.
	ballast := make([]byte, 32<<20)
	for i := range ballast {
		ballast[i] = 1
	}
	grown, err := probe.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if grown.Live() < s.Live()+30<<20 || grown.PeakRSS < s.RSS+30<<20 {
		t.Errorf("32 MiB allocation not seen: before %+v, after %+v", s, grown)
	}
	runtime.KeepAlive(ballast) // live until the probe has answered

	reqW.Close()
	if err := <-served; err != nil {
		t.Errorf("ServeStats ended with %v, want nil at end of input", err)
	}
}

func TestServeStatsRejectsUnknownCommands(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	if err := ServeStats(strings.NewReader("dance\n"), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"error":"unknown probe command \"dance\""`) {
		t.Errorf("answer %q does not name the unknown command", out.String())
	}
}
