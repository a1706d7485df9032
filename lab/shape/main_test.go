package shape

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if a test leaves a goroutine behind: a coalescing
// timer or a pause that outlives its conn would be a leak in every user.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
