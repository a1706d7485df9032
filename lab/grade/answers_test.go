package grade

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// A check's deadline closes its connection (onConn) at the instant the
// read's own deadline expires; when the close wins, the read fails with
// "use of closed network connection", and a learner whose server never
// answered was told that instead of the timeout.
func TestAnAnswerCutShortByTheCheckDeadlineSaysItDidNotCome(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithDeadline(context.Background(), time.Now())
	defer cancel()
	<-ctx.Done()
	gt := &T{ctx: ctx, timeout: 300 * time.Millisecond}
	closed := fmt.Errorf("read tcp 127.0.0.1:1->127.0.0.1:2: %w", net.ErrClosed)
	got := gt.answerError(closed, 0, 6).Error()
	if want := "answer #1 of 6 did not come within 300ms"; got != want {
		t.Errorf("answerError = %q, want %q", got, want)
	}

	// Ctrl-C closes the connection too, but that is no timeout.
	interrupted, stop := context.WithCancel(context.Background())
	stop()
	gt.ctx = interrupted
	if got := gt.answerError(closed, 0, 6).Error(); strings.Contains(got, "did not come") {
		t.Errorf("after Ctrl-C, answerError = %q, which blames the server's speed", got)
	}
}
