package cli

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"strconv"
	"time"

	"bytestream/final/atomicfile"
	"bytestream/final/units"
)

// newFlagSet returns a flag set for subcommand name that reports its own
// errors (one line naming the flag, then usage) instead of exiting.
func newFlagSet(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("final "+name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: final %s %s\n\nflags:\n", name, synopsis)
		printDefaults(fs)
	}
	return fs
}

// parse parses args and, when parsing fails or leaves stray arguments,
// returns the exit code to stop with.
func parse(fs *flag.FlagSet, args []string) (exit int, ok bool) {
	explainDurations(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false // the flag package already printed the error and usage
	}
	if fs.NArg() > 0 {
		return usageError(fs, "unexpected argument %q", fs.Arg(0)), false
	}
	return 0, true
}

// explainDurations makes every duration flag of fs say what is wrong with a
// bad value: the flag package says only "parse error", even for the
// commonest slip, a number without its unit (-frame-timeout 5).
func explainDurations(fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		if g, ok := f.Value.(flag.Getter); ok {
			if _, ok := g.Get().(time.Duration); ok {
				f.Value = &duration{f.Value}
			}
		}
	})
}

// printDefaults is fs.PrintDefaults with each duration flag shown as the
// flag package's own, which it labels "duration" (it labels ours "value").
func printDefaults(fs *flag.FlagSet) {
	var wrapped []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		if d, ok := f.Value.(*duration); ok {
			f.Value = d.Value
			wrapped = append(wrapped, f)
		}
	})
	fs.PrintDefaults()
	for _, f := range wrapped {
		f.Value = &duration{f.Value}
	}
}

// duration is a duration flag whose errors explain themselves.
type duration struct{ flag.Value }

func (d *duration) String() string {
	if d.Value == nil { // the flag package calls String on a zero value
		return ""
	}
	return d.Value.String()
}

func (d *duration) Set(v string) error {
	if d.Value.Set(v) == nil {
		return nil
	}
	if _, err := strconv.ParseFloat(v, 64); err == nil {
		return fmt.Errorf("%q has no unit: write e.g. %sms or %ss", v, v, v)
	}
	return fmt.Errorf("%q is not a duration (e.g. 500ms, 10s, 1m)", v)
}

// usageError reports a bad flag value found after parsing: one line, then
// usage; it returns exit code 2.
func usageError(fs *flag.FlagSet, format string, args ...any) int {
	fmt.Fprintf(fs.Output(), "%s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	fs.Usage()
	return 2
}

// size is a flag.Value holding a byte count written like "64", "4KiB" or
// "1MiB" that fits a frame's 32-bit length.
type size int64

func (s *size) String() string { return units.FormatSize(int64(*s)) }

func (s *size) Set(v string) error {
	n, err := units.ParseSize(v)
	if err != nil {
		return err
	}
	if n > math.MaxUint32 {
		return fmt.Errorf("%s is more than a frame can carry (4 GiB - 1 B)", v)
	}
	*s = size(n)
	return nil
}

// memory is a flag.Value holding an amount of memory written like "128MiB"
// or "6GiB". Unlike size it is not bound by a frame's 32-bit length: the
// payload budget must hold three frames of -max-payload, so a budget capped
// at 4 GiB made every -max-payload above 1.3 GiB impossible to start.
type memory int64

func (m *memory) String() string { return units.FormatSize(int64(*m)) }

func (m *memory) Set(v string) error {
	n, err := units.ParseSize(v)
	if err != nil {
		return err
	}
	if n > math.MaxInt {
		return fmt.Errorf("%s is more than this machine can address", v)
	}
	*m = memory(n)
	return nil
}

// writeFileAtomic writes data to path through final/atomicfile: a reader
// polling for path never sees it half-written, and a path that is not a
// regular file (a device, a pipe, a link) is refused, not replaced.
func writeFileAtomic(path string, data []byte) error {
	return atomicfile.Write(path, data)
}
