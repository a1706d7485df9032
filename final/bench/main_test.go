package bench

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestMain fails the package if any test leaves a goroutine behind: every
// experiment starts readers and servers, and each must end with its run.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// tinyConfig measures a little of everything in well under a second: two
// connections, a small and a large size, every mode.
func tinyConfig() Config {
	cfg := DefaultConfig()
	cfg.Conns = 2
	cfg.Warmup, cfg.Pings = 10, 200
	cfg.Sizes = []int{64, 1 << 20}
	cfg.Duration = 20 * time.Millisecond
	return cfg
}

// tinyReport runs tinyConfig once for all the tests that only read the
// report.
var tinyReport = sync.OnceValues(func() (*Report, error) {
	return Run(context.Background(), tinyConfig())
})

func mustTinyReport(t *testing.T) *Report {
	t.Helper()
	rep, err := tinyReport()
	if err != nil {
		t.Fatalf("Run(tinyConfig): %v", err)
	}
	return rep
}
