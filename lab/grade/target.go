package grade

import (
	"context"
	"fmt"
	"net"
	"time"
)

// target is the server being graded: where it listens, what it prints
// (stages 1–3 need that), and the process, when the grader started it.
type target struct {
	addr  string
	lines *lineLog // nil when the server's stdout is out of reach
	proc  *process // nil for a server already running
}

// dial connects to the target, bounded by ctx.
func (t *target) dial(ctx context.Context) (*net.TCPConn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", t.addr)
	if err != nil {
		if t.proc != nil && t.proc.exited() {
			return nil, fmt.Errorf("connect: the server exited (%s)", t.proc.exitStatus())
		}
		return nil, fmt.Errorf("connect: %w", err)
	}
	return c.(*net.TCPConn), nil
}

// dialPoll is how often the grader tries the port of a program it started
// until the program listens.
const dialPoll = 20 * time.Millisecond

// connection is a grader's connection to the target: TCP, so that it can
// half-close.
type connection = *net.TCPConn

// onConn runs f on a new connection, closed when f returns or the check is
// cancelled (its deadline, or Ctrl-C).
func (t *T) onConn(f func(t *T, c connection) error) error {
	c, err := t.target.dial(t.ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	stop := context.AfterFunc(t.ctx, func() { c.Close() })
	defer stop()
	return f(t, c)
}
