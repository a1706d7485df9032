package proxy

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"bytestream/final/accept"
	"bytestream/lab/shape"
)

// Config says where a Proxy forwards and how it reshapes. The zero value of
// each field is safe: no rule forwards unchanged, no Log is silent.
type Config struct {
	Upstream string     // the server's address
	Up, Down shape.Rule // client→server and server→client rules
	Seed     int64      // connection i cuts with seed Seed+i
	Framing  Framing    // the frame overlay
	Log      *Logger    // nil: no log
	Record   *Recorder  // nil: no recording
	Replay   Schedule   // non-nil: cut as recorded instead of by the rules
	SVG      string     // file to draw connection 0 into when it closes; "" = none

	// AfterPiece, when set, is called after each piece is written, with the
	// bytes written so far in that direction. The demo waits in it until its
	// receiver has read the piece, so that what each Read returns does not
	// depend on how busy the machine is.
	AfterPiece func(d Direction, written int64)
}

// dialTimeout bounds connecting upstream, so a dead upstream fails the
// client's connection instead of hanging it.
const dialTimeout = 10 * time.Second

// Proxy forwards each accepted connection to Config.Upstream.
type Proxy struct {
	cfg  Config
	stop chan struct{} // closed by Close: pauses end, sessions wind down

	mu       sync.Mutex
	closed   bool
	ln       net.Listener
	next     int
	sessions map[*session]struct{}
	wg       sync.WaitGroup
	svgErr   error // why connection 0's picture could not be written
}

// PictureErr reports why the picture -svg asked for could not be written
// (the directory vanished, the disk filled up), or nil. A command exits
// non-zero on it, as on a recording with a hole: the log line alone is
// easy to miss.
func (p *Proxy) PictureErr() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.svgErr
}

// New returns a Proxy for cfg.
func New(cfg Config) *Proxy {
	return &Proxy{cfg: cfg, stop: make(chan struct{}), sessions: map[*session]struct{}{}}
}

// ErrClosed is returned by Serve once Close or Shutdown has been called,
// as final/server's Serve returns server.ErrServerClosed (and net/http's
// http.ErrServerClosed): a caller tells an asked-for stop from a failure by
// this error, never by nil.
var ErrClosed = errors.New("proxy: closed")

// Serve accepts connections on l and proxies each in its own goroutine. It
// always returns a non-nil error: ErrClosed after Close or Shutdown, or the
// error that made l unusable. An Accept error that passes (out of file
// descriptors) is logged and retried after a pause, with the policy of
// package bytestream/final/accept, which the server shares.
func (p *Proxy) Serve(l net.Listener) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		l.Close()
		return ErrClosed
	}
	p.ln = l
	p.mu.Unlock()
	var retry accept.Backoff
	for {
		c, err := l.Accept()
		if err == nil {
			retry.Reset()
			p.start(c)
			continue
		}
		if p.isClosed() {
			return ErrClosed
		}
		if accept.Fatal(err) {
			return err
		}
		wait := retry.Next()
		p.cfg.Log.Printf("lab proxy: accept: %v; retrying in %v", err, wait)
		if !p.sleep(wait) {
			return ErrClosed
		}
	}
}

// start runs a session for c unless the proxy is closing.
func (p *Proxy) start(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		c.Close()
		return
	}
	s := newSession(p, p.next, c)
	p.next++
	p.sessions[s] = struct{}{}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		s.run()
		p.mu.Lock()
		delete(p.sessions, s)
		p.mu.Unlock()
	}()
}

func (p *Proxy) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// Close stops accepting, closes every connection and waits until each
// session has logged its summary. Serve then returns ErrClosed.
func (p *Proxy) Close() error {
	err := p.stopAccepting()
	p.mu.Lock()
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	for s := range p.sessions {
		s.closeConns()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return err
}

// Shutdown stops accepting and lets open sessions end by themselves until
// ctx is done; then it closes what is left, as Close does. A session that
// was just ending, as after a client exits, thus still logs its end.
func (p *Proxy) Shutdown(ctx context.Context) error {
	err := p.stopAccepting()
	ended := make(chan struct{})
	go func() {
		p.wg.Wait()
		close(ended)
	}()
	select {
	case <-ended:
	case <-ctx.Done():
	}
	return errors.Join(err, p.Close())
}

// stopAccepting closes the listener, once.
func (p *Proxy) stopAccepting() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	if p.ln != nil {
		return p.ln.Close()
	}
	return nil
}

// sleep pauses for d unless the proxy closes first; it reports whether the
// full pause passed.
func (p *Proxy) sleep(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-p.stop:
		return false
	}
}
