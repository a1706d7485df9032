package shape

import (
	"net"
	"sync/atomic"
)

// WrapListener wraps every accepted conn; connection i (0-based) gets seed o.Seed+i.
func WrapListener(l net.Listener, o Options) net.Listener {
	return &listener{Listener: l, opts: o}
}

type listener struct {
	net.Listener
	opts Options
	next atomic.Int64 // index of the next accepted connection
}

func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	o := l.opts
	o.Seed += l.next.Add(1) - 1
	return Wrap(c, o), nil
}
