package exercises

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Main runs `lab exercises` with args (those after "exercises") and returns
// the exit status: 0 when the command did its job, 1 when an exercise test
// it ran failed or something went wrong, 2 for a bad command line.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "lab exercises: %v\n", err)
		return 1
	}
	return mainIn(wd, args, stdin, stdout, stderr)
}

// mainIn is Main run from the folder dir.
func mainIn(dir string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd, rest := "list", args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, rest = args[0], args[1:]
	}
	if cmd == "help" || slices.ContainsFunc(rest, isHelp) {
		fmt.Fprint(stdout, usage)
		return 0
	}
	sub, ok := commands[cmd]
	if !ok {
		fmt.Fprintf(stderr, "lab exercises: unknown command %q\n%s", cmd, usage)
		return 2
	}
	opts, err := parseFlags(cmd, rest, sub.args)
	if err != nil {
		fmt.Fprintf(stderr, "lab exercises %s: %v\n", cmd, err)
		return 2
	}
	c, err := open(dir)
	if err != nil {
		fmt.Fprintf(stderr, "lab exercises: %v\n", err)
		return 1
	}
	err = sub.run(c, &console{in: stdin, out: stdout}, opts)
	var failed testFailed
	var bad usageError
	switch {
	case errors.As(err, &failed):
		return 1
	case errors.As(err, &bad):
		fmt.Fprintf(stderr, "lab exercises %s: %v\n", cmd, err)
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "lab exercises %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

const usage = `usage: go run ./lab exercises [COMMAND] [ARGS]   (or the make targets in brackets)

  list                    every exercise with its state: done, failing, not started  [make exercises]
  next [-watch]           run the first exercise that is not done; -watch reruns it on save  [make next]
  check ID [-watch]       run exercise ID's test, as in: check 03.1
  hint [ID] [N]           the next hint for ID (default: the next exercise), one at a time  [make hint]
  solution ID [-y] [-apply]
                          after a warning (-y: no question), the solution or answer of ID,
                          and its diff against your copy; -apply puts it into your copy
                          [make solution EX=ID]
  reset STEP|ID           put your copy of a step (03), or one exercise's files (03.1),
                          back as shipped; your versions are kept as FILE.mine  [make reset EX=ID]

Exercises are done in your copy of a step, steps/_my-NN-name, made the first
time a command needs it; the step folders themselves stay as the course
ships them. See docs/README.md, "Exercises: the workflow".
`

// isHelp reports whether arg asks for the usage, as the flag package's
// -h and -help do.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help"
}

// options are a command's flags and arguments.
type options struct {
	watch, yes, apply bool
	args              []string
}

// A command is one `lab exercises` subcommand and the arguments it takes.
type command struct {
	args string // its flags and arguments, for the error message
	run  func(*course, *console, options) error
}

// commands are the subcommands, by name.
var commands = map[string]command{
	"list":     {"", runList},
	"next":     {"[-watch]", runNext},
	"check":    {"ID [-watch]", runCheck},
	"hint":     {"[ID] [N]", runHint},
	"solution": {"ID [-y] [-apply]", runSolution},
	"reset":    {"STEP|ID", runReset},
}

// parseFlags accepts the flags before or after the arguments, so that
// `check 03.1 -watch` works as well as `check -watch 03.1`.
func parseFlags(cmd string, args []string, want string) (options, error) {
	var o options
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&o.watch, "watch", false, "")
	fs.BoolVar(&o.yes, "y", false, "")
	fs.BoolVar(&o.apply, "apply", false, "")
	var flags []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			flags = append(flags, a)
		} else {
			o.args = append(o.args, a)
		}
	}
	usage := strings.TrimSpace(cmd + " " + want)
	if err := fs.Parse(flags); err != nil {
		return o, fmt.Errorf("%v (want: %s)", err, usage)
	}
	for _, f := range flags {
		name := strings.TrimLeft(f, "-")
		if !strings.Contains(want, "-"+name) {
			return o, fmt.Errorf("flag %s does not apply here (want: %s)", f, usage)
		}
	}
	return o, nil
}

// open finds the repository above dir and loads the exercises.
func open(dir string) (*course, error) {
	root, err := findRoot(dir)
	if err != nil {
		return nil, err
	}
	list, err := Course()
	if err != nil {
		return nil, err
	}
	return &course{root: root, exercises: list}, nil
}

// console is where a command talks to the learner.
type console struct {
	in  io.Reader
	out io.Writer
}

func (c *console) say(format string, args ...any) { fmt.Fprintf(c.out, format, args...) }

// usageError is a bad command line that only a subcommand can see, such
// as an id that names no exercise: Main exits 2 for it, as for a bad flag.
type usageError struct{ error }

// usagef makes a usageError from a message.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// find is Find, with a missing id reported as the bad command line it is.
func (c *course) find(id string) (*Exercise, error) {
	e, err := Find(c.exercises, id)
	if err != nil {
		return nil, usageError{err}
	}
	return e, nil
}

// testFailed is returned when an exercise test ran and failed: the test
// said why, so Main adds nothing but the exit status.
type testFailed struct{ id string }

func (t testFailed) Error() string { return "exercise " + t.id + " is not done yet" }
