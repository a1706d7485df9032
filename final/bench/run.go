package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"bytestream/final/client"
	"bytestream/final/frame"
	"bytestream/final/server"
	"bytestream/final/units"
)

// Run measures latency and throughput as cfg says and returns the report.
// With no cfg.Addr it starts a final server in this process, on a free
// loopback port with logging off, and the raw baseline servers beside it.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("bench settings: %w", err)
	}
	env, err := start(cfg)
	if err != nil {
		return nil, err
	}
	rep, err := env.measure(ctx)
	if cerr := env.close(); err == nil {
		err = cerr
	}
	return rep, err
}

// env is the servers a run talks to.
type env struct {
	cfg    Config
	addr   string
	srv    *server.Server
	served chan error
	raw    *RawServers
	step   int
}

func start(cfg Config) (*env, error) {
	e := &env{cfg: cfg, addr: cfg.Addr}
	if !cfg.Embedded() {
		return e, nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start the bench server: %w", err)
	}
	e.addr, e.srv, e.served = l.Addr().String(), &server.Server{}, make(chan error, 1)
	go func() { e.served <- e.srv.Serve(l) }()
	if e.raw, err = StartRawServers(); err != nil {
		return nil, errors.Join(err, e.close())
	}
	return e, nil
}

// shutdownGrace bounds how long closing the embedded server may take; every
// client has closed by then, so it is normally instant.
const shutdownGrace = 5 * time.Second

func (e *env) close() error {
	var errs []error
	if e.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		errs = append(errs, e.srv.Shutdown(ctx))
		if err := <-e.served; !errors.Is(err, server.ErrServerClosed) {
			errs = append(errs, fmt.Errorf("bench server: %w", err))
		}
	}
	if e.raw != nil {
		errs = append(errs, e.raw.Close())
	}
	return errors.Join(errs...)
}

func (e *env) measure(ctx context.Context) (*Report, error) {
	cfg := e.cfg
	rep := &Report{
		Settings: Settings{
			Addr: e.addr, Embedded: cfg.Embedded(), Conns: cfg.Conns,
			Warmup: cfg.Warmup, Pings: cfg.Pings, PingSize: cfg.PingSize,
			Sizes: cfg.Sizes, Duration: cfg.Duration,
		},
		Machine:  thisMachine(),
		Baseline: Baseline{Measured: e.raw != nil, Note: "raw TCP baseline on the same machine, same byte counts"},
	}
	if e.raw == nil {
		rep.Baseline.Note = "skipped: the raw baseline needs the embedded server; an external server (-addr) is measured alone"
	}
	if err := e.latency(ctx, rep); err != nil {
		return nil, err
	}
	for _, size := range cfg.Sizes {
		if err := e.throughput(ctx, rep, size); err != nil {
			return nil, err
		}
	}
	rep.analyse()
	return rep, nil
}

// steps is how many experiments Progress will be told about.
func (e *env) steps() int {
	per := 2
	if e.raw != nil {
		per = 3
	}
	return per*len(e.cfg.Sizes) + per - 1
}

// next reports the experiment about to run, and stops if ctx is done.
func (e *env) next(ctx context.Context, what string) error {
	e.step++
	if e.cfg.Progress != nil {
		e.cfg.Progress(e.step, e.steps(), what)
	}
	return ctx.Err()
}

func (e *env) latency(ctx context.Context, rep *Report) error {
	cfg := e.cfg
	if err := e.next(ctx, "latency: PING/PONG"); err != nil {
		return err
	}
	sets, err := onFramed(ctx, e.addr, cfg.Conns, func(_ int, c *client.Conn) (Samples, error) {
		return pingPong(c, cfg.PingSize, cfg.Warmup, cfg.Pings)
	})
	if err != nil {
		return fmt.Errorf("latency: %w", err)
	}
	rep.Latency.Framed = latencyStats(frame.HeaderLen+cfg.PingSize, Merge(sets...))
	if e.raw == nil {
		return nil
	}
	if err := e.next(ctx, "latency: raw ping-pong"); err != nil {
		return err
	}
	wire := frame.HeaderLen + cfg.PingSize
	sets, err = onRaw(ctx, e.raw.EchoAddr(), cfg.Conns, func(_ int, c *net.TCPConn) (Samples, error) {
		return rawPingPong(c, wire, cfg.Warmup, cfg.Pings)
	})
	if err != nil {
		return fmt.Errorf("raw latency: %w", err)
	}
	raw := latencyStats(wire, Merge(sets...))
	rep.Latency.Raw = &raw
	return nil
}

func latencyStats(wire int, s Samples) LatencyStats {
	return LatencyStats{WireBytes: wire, Summary: Summarize(s), Histogram: Histogram(s), Curve: Curve(s)}
}

// throughput measures one payload size in both framed modes and, with the
// baseline, as a raw stream of the very byte counts the pipelined clients
// sent.
func (e *env) throughput(ctx context.Context, rep *Report, size int) error {
	b := budget{time: e.cfg.Duration}
	name := units.FormatSize(int64(size))
	for _, mode := range []struct {
		name string
		run  func(*client.Conn, int, budget) (transfer, error)
	}{{StopAndWait, stopAndWait}, {Pipelined, pipelined}} {
		if err := e.next(ctx, mode.name+" "+name); err != nil {
			return err
		}
		ts, err := onFramed(ctx, e.addr, e.cfg.Conns, func(_ int, c *client.Conn) (transfer, error) {
			return mode.run(c, size, b)
		})
		if err != nil {
			return fmt.Errorf("%s %s: %w", mode.name, name, err)
		}
		rep.Throughput = append(rep.Throughput, newRow(mode.name, size, aggregate(ts)))
		if mode.name == Pipelined && e.raw != nil {
			if err := e.rawStream(ctx, rep, size, ts); err != nil {
				return err
			}
		}
	}
	return nil
}

func (e *env) rawStream(ctx context.Context, rep *Report, size int, framed []transfer) error {
	name := units.FormatSize(int64(size))
	if err := e.next(ctx, "raw stream "+name); err != nil {
		return err
	}
	ts, err := onRaw(ctx, e.raw.SinkAddr(), len(framed), func(i int, c *net.TCPConn) (transfer, error) {
		return rawStream(c, size, framed[i].Frames)
	})
	if err != nil {
		return fmt.Errorf("raw stream %s: %w", name, err)
	}
	rep.Throughput = append(rep.Throughput, newRow(RawStream, size, aggregate(ts)))
	return nil
}

// onFramed dials n client connections, runs do on all of them at once, and
// closes them.
func onFramed[T any](ctx context.Context, addr string, n int, do func(int, *client.Conn) (T, error)) ([]T, error) {
	conns := make([]*client.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := client.Dial(ctx, addr)
		if err != nil {
			return nil, fmt.Errorf("dial %s: %w", addr, err)
		}
		conns = append(conns, c)
	}
	return together(conns, do)
}

// onRaw is onFramed for plain TCP connections.
func onRaw[T any](ctx context.Context, addr string, n int, do func(int, *net.TCPConn) (T, error)) ([]T, error) {
	conns := make([]*net.TCPConn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	var d net.Dialer
	for range n {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("dial %s: %w", addr, err)
		}
		conns = append(conns, c.(*net.TCPConn))
	}
	return together(conns, do)
}
