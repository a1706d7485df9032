package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"regexp"
	"syscall"
	"time"

	"bytestream/lab/grade"
)

const gradeUsage = `usage: lab grade -stage N [flags] -- COMMAND [ARG...]   start the server, grade it, stop it
       lab grade -stage N [flags] -addr HOST:PORT        grade a server already running (stages 4-6)
       lab grade -list                                   the stages and their checks
In COMMAND, {addr}, {host} and {port} become a free loopback address, also in $ADDR and $PORT.
See docs/grade.md.
`

// parseGradeFlags parses args into a grade.Config; an error is one line
// naming what is wrong.
func parseGradeFlags(args []string, stderr io.Writer) (cfg grade.Config, list, asJSON, verbose bool, err error) {
	fs := flag.NewFlagSet("lab grade", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	stage := fs.Int("stage", 0, "grade chapter `N`'s contract, 1 to 6")
	fs.BoolVar(&list, "list", false, "list the stages and their checks")
	seed := fs.String("seed", "", "`seed` for every cut and random message (default: a random one, printed)")
	fs.BoolVar(&asJSON, "json", false, "print one JSON object (see docs/grade.md) instead of text")
	fs.BoolVar(&verbose, "v", false, "show each check's time, and the server's start on stderr")
	fs.DurationVar(&cfg.Timeout, "timeout", 10*time.Second, "how `long` one check may take")
	run := fs.String("run", "", "run only the checks whose names match `regexp`")
	fs.StringVar(&cfg.Addr, "addr", "", "grade the server already running at `address` instead of starting one")
	fs.StringVar(&cfg.ServerFlags, "server-flags", "", "`flags` that give the server short timeouts, with {frame} and {idle}, e.g. '-frame-timeout {frame} -idle-timeout {idle}'")
	fs.StringVar(&cfg.OutDir, "out", "", "write the files that replay a failure into `dir` (default: a new temporary one)")
	if err = fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fmt.Fprint(stderr, gradeUsage)
			fs.PrintDefaults()
		}
		return
	}
	cfg.Command = fs.Args()
	if list {
		return
	}
	switch {
	case *stage == 0:
		err = errors.New("give -stage N (1 to 6), or -list to see them")
	case len(cfg.Command) == 0 && cfg.Addr == "":
		err = errors.New("give the server's command after --, or -addr for one already running")
	case len(cfg.Command) > 0 && cfg.Addr != "":
		err = errors.New("give a command after -- or -addr, not both")
	case cfg.Timeout <= 0:
		err = fmt.Errorf("-timeout must be positive, not %v", cfg.Timeout)
	}
	if err != nil {
		return
	}
	if cfg.Stage, err = grade.StageByNumber(*stage); err != nil {
		return
	}
	if cfg.Stage.Prints() && cfg.Addr != "" {
		err = fmt.Errorf("stage %d reads what the server prints: give its command after --, not -addr", *stage)
		return
	}
	if *run != "" {
		if cfg.Run, err = regexp.Compile(*run); err != nil {
			err = fmt.Errorf("-run: %w", err)
			return
		}
		if !cfg.Stage.Runs(cfg.Run) {
			err = fmt.Errorf("-run %s matches no check of stage %d (see -list)", *run, *stage)
			return
		}
	}
	cfg.Seed = rand.Int64N(1_000_000)
	if *seed != "" {
		var n int64
		if _, serr := fmt.Sscan(*seed, &n); serr != nil {
			err = fmt.Errorf("-seed: %q is not a whole number", *seed)
			return
		}
		cfg.Seed = n
	}
	return
}

// runGrade is `lab grade`: exit 0 when every check of the stage passed, 1
// when one failed (or the server could not be graded), 2 for a bad
// command line.
func runGrade(args []string, stdout, stderr io.Writer) int {
	cfg, list, asJSON, verbose, err := parseGradeFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "lab grade: %v\n", err)
		return 2
	}
	if list {
		grade.WriteList(stdout)
		return 0
	}
	// Ctrl-C ends the checks, and Run stops the server on its way out. So
	// does a reader that went away (`lab grade … | head`): without SIGPIPE
	// here, the first write to the closed pipe would kill the grader on the
	// spot and leave the learner's server running.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGPIPE)
	defer stop()
	if verbose {
		cfg.Log = stderr
	}
	if !asJSON {
		grade.WriteHeader(stdout, &cfg)
		cfg.Progress = func(r grade.Result) { grade.WriteResult(stdout, r, verbose) }
	}
	rep := grade.Run(ctx, cfg)
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		enc.Encode(rep)
	} else {
		grade.WriteSummary(stdout, rep)
	}
	if !rep.Passed {
		return 1
	}
	return 0
}
