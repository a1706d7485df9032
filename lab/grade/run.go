package grade

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"time"
)

// Config says what to grade and how.
type Config struct {
	Stage   *Stage
	Seed    int64          // every cut and every random message derives from it
	Timeout time.Duration  // how long one check may take
	Run     *regexp.Regexp // only the checks whose names match; nil: all

	// Command starts the server: {addr}, {host} and {port} in its arguments
	// become a free loopback address, also in $ADDR and $PORT.
	Command []string
	// ServerFlags, when set, is appended to Command with {frame} and
	// {idle} replaced by Timeouts, so that stage 6 can check timeouts in
	// seconds; without it those checks are skipped.
	ServerFlags string
	// Timeouts are those ServerFlags passes (zero: DefaultTimeouts), or,
	// with Addr, the ones the running server was started with (zero:
	// unknown, and the timeout checks are skipped).
	Timeouts Timeouts

	// Addr is a server already running, instead of Command. Output is its
	// stdout, for the stages that read it (tests set it; the command line
	// cannot).
	Addr   string
	Output io.Reader

	// OutDir receives the files that replay a failing check's cuts; empty:
	// a new temporary directory, made on the first failure.
	OutDir string
	// Progress, when set, is called as each check ends.
	Progress func(Result)
	// Log receives diagnostics: the command started, where it listens.
	Log io.Writer
}

func (c *Config) timeouts() *Timeouts {
	switch {
	case !c.Stage.hasTimeouts():
		return nil
	case len(c.Command) == 0 && c.Timeouts != (Timeouts{}):
		return &c.Timeouts
	case len(c.Command) == 0 || c.ServerFlags == "":
		return nil
	case c.Timeouts == (Timeouts{}):
		return &DefaultTimeouts
	}
	return &c.Timeouts
}

// Result is one check's outcome.
type Result struct {
	Name       string   `json:"name"`
	Status     string   `json:"status"`            // pass, fail or skip
	Message    string   `json:"message,omitempty"` // why it failed or was skipped
	Detail     string   `json:"detail,omitempty"`  // what was sent and what came back
	Replay     []string `json:"replay,omitempty"`  // the commands that replay a failing cut
	DurationMS int64    `json:"duration_ms"`
}

// Report is a whole run, the object -json prints.
type Report struct {
	Stage  int    `json:"stage"`
	Title  string `json:"title"`
	Seed   int64  `json:"seed"`
	Passed bool   `json:"passed"` // every check that ran passed, and at least one ran
	Error  string `json:"error,omitempty"`
	// Interrupted: Ctrl-C (or SIGTERM) ended the run early.
	Interrupted bool     `json:"interrupted,omitempty"`
	Checks      []Result `json:"checks"`
	DurationMS  int64    `json:"duration_ms"`
}

// Count returns how many checks have status.
func (r *Report) Count(status string) int {
	n := 0
	for _, c := range r.Checks {
		if c.Status == status {
			n++
		}
	}
	return n
}

// Run grades the server that cfg names: it starts it if asked, runs the
// stage's checks in order, and stops it. It returns when all is done or
// ctx is cancelled (the remaining checks are then skipped).
func Run(ctx context.Context, cfg Config) *Report {
	start := time.Now()
	rep := &Report{Stage: cfg.Stage.Number, Title: cfg.Stage.Title, Seed: cfg.Seed, Checks: []Result{}}
	defer func() { rep.DurationMS = time.Since(start).Milliseconds() }()
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	tg, stop, err := startTarget(ctx, &cfg)
	if err != nil {
		rep.Error, rep.Interrupted = err.Error(), ctx.Err() != nil
		return rep
	}
	defer stop()
	files := &replayFiles{dir: cfg.OutDir, stage: cfg.Stage, addr: cfg.Addr}
	skipRest := ""
	for _, c := range cfg.Stage.checks {
		if cfg.Run != nil && !cfg.Run.MatchString(c.name) {
			continue
		}
		res := Result{Name: c.name}
		switch {
		case ctx.Err() != nil:
			res.Status, res.Message = statusSkip, "interrupted"
		case skipRest != "":
			res.Status, res.Message = statusSkip, skipRest
		default:
			res = runOne(ctx, tg, &cfg, c, files)
		}
		if res.Status == statusFail && c.name == checkWhole.name {
			skipRest = "whole failed: fix that first, the other checks build on it"
		}
		if tg.proc != nil && tg.proc.exited() && c.name != checkSigint.name && skipRest == "" {
			skipRest = "the server exited (" + tg.proc.exitStatus() + ")"
		}
		rep.Checks = append(rep.Checks, res)
		if cfg.Progress != nil {
			cfg.Progress(res)
		}
	}
	rep.Interrupted = ctx.Err() != nil
	rep.Passed = rep.Count(statusFail) == 0 && rep.Count(statusPass) > 0 && !rep.Interrupted
	return rep
}

// runOne runs one check and explains its failure.
func runOne(ctx context.Context, tg *target, cfg *Config, c check, files *replayFiles) Result {
	began := time.Now()
	var said int64
	if tg.proc != nil {
		said = tg.proc.tail.offset()
	}
	t := newT(ctx, tg, cfg.Stage, c, cfg)
	status, err := runCheck(t, c)
	res := Result{Name: c.name, Status: status, DurationMS: time.Since(began).Milliseconds()}
	if ctx.Err() != nil { // Ctrl-C: whatever the check saw, it was cut short
		res.Status, res.Message = statusSkip, "interrupted"
		return res
	}
	if err == nil {
		return res
	}
	res.Message = err.Error()
	var f *Failure
	if errors.As(err, &f) {
		if f.sent != nil {
			f.replay = files.write(c.name, f)
		}
		res.Detail, res.Replay = f.Detail(), f.replay
	}
	switch {
	case status != statusFail || tg.proc == nil:
	case tg.proc.exited() && c.name != checkSigint.name:
		res.Detail += fmt.Sprintf("  the server exited (%s); its last output:\n%s\n", tg.proc.exitStatus(), tg.proc.tail.last(tailLines))
	default:
		if out := tg.proc.tail.since(said, saidLines); out != "" {
			res.Detail += "  meanwhile the server printed (last lines):\n" + out + "\n"
		}
	}
	return res
}

// saidLines is how many lines of what the server printed during a failing
// check are shown: a traceback's last lines say the most.
const saidLines = 6

// startTarget starts the server cfg names, or finds the one running, and
// returns how to stop it.
func startTarget(ctx context.Context, cfg *Config) (*target, func(), error) {
	var lines *lineLog
	if cfg.Stage.Prints() {
		lines = newLineLog()
	}
	if len(cfg.Command) == 0 {
		if lines != nil {
			if cfg.Output == nil {
				return nil, nil, fmt.Errorf("stage %d reads what the server prints: give its command after --", cfg.Stage.Number)
			}
			go lines.follow(cfg.Output)
		}
		c, err := net.DialTimeout("tcp", cfg.Addr, 5*time.Second)
		if err != nil {
			return nil, nil, fmt.Errorf("nothing to grade at %s: %w", cfg.Addr, err)
		}
		c.Close()
		return &target{addr: cfg.Addr, lines: lines}, func() {}, nil
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, nil, err
	}
	argv := cfg.Command
	if tm := cfg.timeouts(); tm != nil {
		r := strings.NewReplacer("{frame}", tm.Frame.String(), "{idle}", tm.Idle.String())
		argv = append(append([]string(nil), argv...), strings.Fields(r.Replace(cfg.ServerFlags))...)
	}
	p, err := startProcess(expand(argv, addr), addr, lines, cfg.Log)
	if err != nil {
		return nil, nil, err
	}
	// Ctrl-C (ctx) stops the program too: the deferred stop runs as Run
	// returns, and the checks end as their connections close.
	if err := p.waitListening(ctx, addr); err != nil {
		p.stop()
		return nil, nil, err
	}
	fmt.Fprintf(cfg.Log, "lab grade: the server listens on %s\n", addr)
	return &target{addr: addr, lines: lines, proc: p}, p.stop, nil
}
