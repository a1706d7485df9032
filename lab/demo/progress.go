package demo

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// stallTimeout bounds waiting for the receiver; only a bug makes it pass.
const stallTimeout = 30 * time.Second

// progress counts the bytes a receiver has read, so the demo can wait for
// it instead of hoping a timer was long enough.
type progress struct {
	mu      sync.Mutex
	n       int64
	changed chan struct{}
}

func newProgress() *progress { return &progress{changed: make(chan struct{})} }

func (p *progress) add(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n += int64(n)
	close(p.changed)
	p.changed = make(chan struct{})
}

// wait returns once the receiver has read at least target bytes.
func (p *progress) wait(target int64) error {
	deadline := time.NewTimer(stallTimeout)
	defer deadline.Stop()
	for {
		p.mu.Lock()
		n, changed := p.n, p.changed
		p.mu.Unlock()
		if n >= target {
			return nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			return fmt.Errorf("receiver stalled at %d of %d bytes", n, target)
		}
	}
}

// counting is a reader that reports every byte it returns to progress.
type counting struct {
	r io.Reader
	p *progress
}

func (c counting) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.add(n)
	return n, err
}
