package proxy

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"sync"
	"time"

	"bytestream/lab/shape"
)

// tcpConn is what the proxy needs of both ends: half-close to forward EOF,
// linger 0 to forward a reset, no Nagle so each piece leaves at once.
type tcpConn interface {
	net.Conn
	CloseWrite() error
	SetLinger(sec int) error
	SetNoDelay(noDelay bool) error
}

// session is one proxied connection: a client, its upstream connection, and
// a pump for each direction.
type session struct {
	p      *Proxy
	id     int
	seed   int64
	start  time.Time
	client net.Conn

	mu     sync.Mutex // guards server, which is set once dialled
	server tcpConn
	draw   *drawing // connection 0's picture when -svg is set, else nil
}

func newSession(p *Proxy, id int, client net.Conn) *session {
	s := &session{p: p, id: id, seed: p.cfg.Seed + int64(id), start: time.Now(), client: client}
	if id == 0 && p.cfg.SVG != "" {
		s.draw = &drawing{}
	}
	return s
}

// prefix starts every log line of the session: connection number and the
// time since it opened.
func (s *session) prefix() string { return s.prefixAt(time.Now()) }

// prefixAt is the prefix for something that happened at t.
func (s *session) prefixAt(t time.Time) string {
	return fmt.Sprintf("[%d]%s", s.id, s.p.cfg.Log.offset(s.start, t))
}

func (s *session) logf(format string, args ...any) {
	s.p.cfg.Log.Printf(s.prefix()+" "+format, args...)
}

func (s *session) run() {
	defer s.closeConns()
	client, ok := s.client.(tcpConn)
	if !ok {
		s.logf("refusing %T: the proxy needs TCP connections", s.client)
		return
	}
	server, err := s.dial()
	if err != nil {
		s.logf("upstream %s: %v; closing the client", s.p.cfg.Upstream, err)
		return
	}
	how := fmt.Sprintf("seed %d", s.seed)
	if s.p.cfg.Replay != nil {
		how = "replay"
	}
	if s.p.cfg.Log.Stable() {
		s.logf("open (%s)", how)
	} else {
		s.logf("open: client %s → upstream %s (%s)", client.RemoteAddr(), s.p.cfg.Upstream, how)
	}
	for _, c := range []tcpConn{client, server} {
		c.SetNoDelay(true) // Go's default, made explicit: a piece must not wait for the next
	}
	up := newPump(s, Up, client, server, s.p.cfg.Up, shape.NewCutter(s.p.cfg.Up, s.seed))
	down := newPump(s, Down, server, client, s.p.cfg.Down, shape.NewCutter(s.p.cfg.Down, ^s.seed))
	var wg sync.WaitGroup
	for _, pm := range []*pump{up, down} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pm.run()
		}()
	}
	wg.Wait()
	for _, pm := range []*pump{up, down} {
		s.p.cfg.Log.lines(pm.dir, pm.summary())
	}
	s.drawPicture()
}

// dial connects upstream, unless the proxy closes first.
func (s *session) dial() (tcpConn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), dialTimeout)
	defer cancel()
	go func() {
		select {
		case <-s.p.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", s.p.cfg.Upstream)
	if err != nil {
		return nil, err
	}
	server := c.(tcpConn) // a "tcp" dial always gives *net.TCPConn
	s.mu.Lock()
	defer s.mu.Unlock()
	s.server = server
	select {
	case <-s.p.stop:
		server.Close()
		return nil, net.ErrClosed
	default:
	}
	return server, nil
}

// closeConns closes both ends; pumps blocked on them return.
func (s *session) closeConns() {
	s.client.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.server != nil {
		s.server.Close()
	}
}

// drawPicture writes connection 0's picture when -svg asked for it.
func (s *session) drawPicture() {
	if s.draw == nil {
		return
	}
	if err := s.draw.writeFile(s.p.cfg.SVG); err != nil {
		s.logf("svg: %v", err)
		s.p.mu.Lock()
		s.p.svgErr = err
		s.p.mu.Unlock()
		return
	}
	s.logf("svg: drew connection %d into %s", s.id, filepath.Base(s.p.cfg.SVG))
}
