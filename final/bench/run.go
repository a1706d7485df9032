package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
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
//
// When an experiment fails, or ctx ends (Ctrl-C), Run stops at once and
// returns the error together with a report of the experiments that
// finished, its Stopped field saying why: minutes of measurement are not
// thrown away for the last one. Only bad settings give a nil report.
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
	switch {
	case ctx.Err() != nil:
		rep.Stopped = "interrupted"
	case err != nil:
		rep.Stopped = err.Error()
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
	quiet := slog.New(slog.DiscardHandler) // a nil Logger would log to stderr
	srv := &server.Server{Logger: quiet, IdleTimeout: embeddedIdleTimeout}
	e.addr, e.srv, e.served = l.Addr().String(), srv, make(chan error, 1)
	go func() { e.served <- e.srv.Serve(l) }()
	if e.raw, err = StartRawServers(); err != nil {
		return nil, errors.Join(err, e.close())
	}
	return e, nil
}

// embeddedIdleTimeout replaces the server's 60 s idle timeout: the bench's
// own connections wait idle by design while the other side of an
// alternation measures, and with -conns 500 a raw latency round takes over
// a minute, so the default closed every framed connection and failed the
// run after four minutes. Stalls are the bench's -timeout's business.
const embeddedIdleTimeout = 24 * time.Hour

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
			Sizes: cfg.Sizes, Duration: cfg.Duration, Timeout: cfg.Timeout,
			Rate: cfg.Rate, Sweep: cfg.Sweep,
		},
		Machine:  thisMachine(),
		Baseline: Baseline{Measured: e.raw != nil, Note: "raw TCP baseline on the same machine, same byte counts"},
	}
	if e.raw == nil {
		rep.Baseline.Note = "skipped: the raw baseline needs the embedded server; an external server (-addr) is measured alone"
	}
	switch {
	case cfg.Rate > 0:
		return rep, e.openLoopExperiment(ctx, rep)
	case cfg.Sweep:
		return rep, e.sweep(ctx, rep)
	}
	defer rep.analyse()
	if err := e.latency(ctx, rep); err != nil {
		return rep, err
	}
	for _, size := range cfg.Sizes {
		if err := e.throughput(ctx, rep, size); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// steps is how many experiments Progress will be told about: latency, then
// two per size; or the open loop and the closed one; or the sweep's
// capacity probe and its rates.
func (e *env) steps() int {
	switch {
	case e.cfg.Rate > 0:
		return 2
	case e.cfg.Sweep:
		return 1 + len(sweepPercents)
	}
	return 1 + 2*len(e.cfg.Sizes)
}

// next reports the experiment about to run, and stops if ctx is done.
func (e *env) next(ctx context.Context, what string) error {
	e.step++
	if e.cfg.Progress != nil {
		e.cfg.Progress(e.step, e.steps(), what)
	}
	return ctx.Err()
}

// rounds is how many turns the framed and raw measurements take: each
// pipelined size and the latency run alternate between the two several
// times instead of measuring one after the other, so that a load that comes
// and goes on the machine (a compiler, another test) weighs on both sides
// alike instead of deciding the ratio.
const rounds = 5

func (e *env) latency(ctx context.Context, rep *Report) error {
	cfg := e.cfg
	what := "latency: PING/PONG"
	if e.raw != nil {
		what += " and raw ping-pong, alternating"
	}
	if err := e.next(ctx, what); err != nil {
		return err
	}
	framed, err := dialFramed(ctx, e.addr, cfg.Conns, cfg.Timeout)
	defer closeAll(framed)
	if err != nil {
		return fmt.Errorf("latency: %w", err)
	}
	var raw []*net.TCPConn
	if e.raw != nil {
		raw, err = dialRaw(ctx, e.raw.EchoAddr(), cfg.Conns, cfg.Timeout)
		defer closeAll(raw)
		if err != nil {
			return fmt.Errorf("raw latency: %w", err)
		}
	}
	wire := frame.HeaderLen + cfg.PingSize
	var framedSets, rawSets []Samples
	for round := range rounds {
		warmup, count := roundShare(cfg.Warmup, cfg.Pings, round)
		sets, err := together(ctx, cfg.Timeout, framed, func(_ int, c *client.Conn, p *progress) (Samples, error) {
			return pingPong(c, cfg.PingSize, warmup, count, p)
		})
		if err != nil {
			return fmt.Errorf("latency: %w", err)
		}
		framedSets = append(framedSets, sets...)
		if raw == nil {
			continue
		}
		sets, err = together(ctx, cfg.Timeout, raw, func(_ int, c *net.TCPConn, p *progress) (Samples, error) {
			return rawPingPong(c, wire, warmup, count, p)
		})
		if err != nil {
			return fmt.Errorf("raw latency: %w", err)
		}
		rawSets = append(rawSets, sets...)
	}
	rep.Latency.Framed = latencyStats(wire, Merge(framedSets...))
	if raw != nil {
		stats := latencyStats(wire, Merge(rawSets...))
		rep.Latency.Raw = &stats
	}
	return nil
}

// roundBudget is one round's share of a pipelined run's time budget. It is
// never zero, which would mean no time limit: -duration 1ns once made
// every pipelined round run until the process was killed.
func roundBudget(d time.Duration) budget {
	return budget{time: max(d/rounds, 1)}
}

// roundShare splits the pings among the rounds: the whole warm-up goes
// first, and the measured pings are shared out so that they add up to
// exactly pings.
func roundShare(warmup, pings, round int) (roundWarmup, count int) {
	if round == 0 {
		roundWarmup = warmup
	}
	return roundWarmup, pings*(round+1)/rounds - pings*round/rounds
}

func latencyStats(wire int, s Samples) LatencyStats {
	return LatencyStats{WireBytes: wire, Summary: Summarize(s), Histogram: Histogram(s), Curve: Curve(s)}
}

// throughput measures one payload size stop-and-wait, then pipelined and,
// with the baseline, as a raw stream of the very bytes the pipelined
// clients sent, the two alternating round by round.
func (e *env) throughput(ctx context.Context, rep *Report, size int) error {
	name := units.FormatSize(int64(size))
	if err := e.next(ctx, StopAndWait+" "+name); err != nil {
		return err
	}
	ts, err := onFramed(ctx, e, func(_ int, c *client.Conn, p *progress) (transfer, error) {
		return stopAndWait(c, size, budget{time: e.cfg.Duration}, p)
	})
	if err != nil {
		return fmt.Errorf("%s %s: %w", StopAndWait, name, err)
	}
	rep.Throughput = append(rep.Throughput, newRow(StopAndWait, size, aggregate(ts)).withSpread([][]transfer{ts}))

	what := Pipelined + " " + name
	if e.raw != nil {
		what += " and raw stream, alternating"
	}
	if err := e.next(ctx, what); err != nil {
		return err
	}
	var framedRounds, rawRounds []transfer
	var framedConns, rawConns [][]transfer // per round, per connection
	for range rounds {
		cpu := startCPU()
		ts, err := onFramed(ctx, e, func(_ int, c *client.Conn, p *progress) (transfer, error) {
			return pipelined(c, size, roundBudget(e.cfg.Duration), window(e.cfg.Conns, size), p)
		})
		if err != nil {
			return fmt.Errorf("%s %s: %w", Pipelined, name, err)
		}
		round := aggregate(ts)
		round.CPU = cpu.used()
		framedRounds, framedConns = append(framedRounds, round), append(framedConns, ts)
		if e.raw == nil {
			continue
		}
		cpu = startCPU()
		ts, err = e.onRaw(ctx, e.raw.SinkAddr(), func(i int, c *net.TCPConn, p *progress) (transfer, error) {
			return rawStream(c, size, ts[i].Frames, p)
		})
		if err != nil {
			return fmt.Errorf("raw stream %s: %w", name, err)
		}
		round = aggregate(ts)
		round.CPU = cpu.used()
		rawRounds, rawConns = append(rawRounds, round), append(rawConns, ts)
	}
	rep.Throughput = append(rep.Throughput, newRow(Pipelined, size, inSequence(framedRounds)).withSpread(framedConns))
	if e.raw != nil {
		rep.Throughput = append(rep.Throughput, newRow(RawStream, size, inSequence(rawRounds)).withSpread(rawConns))
	}
	return nil
}

// onFramed dials the run's client connections, runs do on all of them at
// once, and closes them.
func onFramed[T any](ctx context.Context, e *env, do func(int, *client.Conn, *progress) (T, error)) ([]T, error) {
	conns, err := dialFramed(ctx, e.addr, e.cfg.Conns, e.cfg.Timeout)
	defer closeAll(conns)
	if err != nil {
		return nil, err
	}
	return together(ctx, e.cfg.Timeout, conns, do)
}

// onRaw is onFramed for plain TCP connections to addr.
func (e *env) onRaw(ctx context.Context, addr string, do func(int, *net.TCPConn, *progress) (transfer, error)) ([]transfer, error) {
	conns, err := dialRaw(ctx, addr, e.cfg.Conns, e.cfg.Timeout)
	defer closeAll(conns)
	if err != nil {
		return nil, err
	}
	return together(ctx, e.cfg.Timeout, conns, do)
}

// dialFramed returns the connections it managed to open, even with an
// error, so that the caller closes them all. Each dial may take timeout.
func dialFramed(ctx context.Context, addr string, n int, timeout time.Duration) ([]*client.Conn, error) {
	conns := make([]*client.Conn, 0, n)
	for range n {
		c, err := dialOne(ctx, timeout, func(ctx context.Context) (*client.Conn, error) { return client.Dial(ctx, addr) })
		if err != nil {
			return conns, fmt.Errorf("dial %s: %w", addr, err)
		}
		conns = append(conns, c)
	}
	return conns, nil
}

func dialRaw(ctx context.Context, addr string, n int, timeout time.Duration) ([]*net.TCPConn, error) {
	conns := make([]*net.TCPConn, 0, n)
	var d net.Dialer
	for range n {
		c, err := dialOne(ctx, timeout, func(ctx context.Context) (net.Conn, error) { return d.DialContext(ctx, "tcp", addr) })
		if err != nil {
			return conns, fmt.Errorf("dial %s: %w", addr, err)
		}
		conns = append(conns, c.(*net.TCPConn))
	}
	return conns, nil
}

// dialOne runs dial with timeout added to ctx (none when timeout is 0).
func dialOne[C any](ctx context.Context, timeout time.Duration, dial func(context.Context) (C, error)) (C, error) {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	return dial(ctx)
}

func closeAll[C io.Closer](conns []C) {
	for _, c := range conns {
		c.Close()
	}
}
