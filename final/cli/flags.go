package cli

import (
	"errors"
	"flag"
	"fmt"
	"math"

	"bytestream/final/atomicfile"
	"bytestream/final/units"
)

// newFlagSet returns a flag set for subcommand name that reports its own
// errors (one line naming the flag, then usage) instead of exiting.
func newFlagSet(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("final "+name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: final %s %s\n\nflags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args and, when parsing fails or leaves stray arguments,
// returns the exit code to stop with.
func parse(fs *flag.FlagSet, args []string) (exit int, ok bool) {
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

// writeFileAtomic writes data to path through final/atomicfile: a reader
// polling for path never sees it half-written, and a path that is not a
// regular file (a device, a pipe, a link) is refused, not replaced.
func writeFileAtomic(path string, data []byte) error {
	return atomicfile.Write(path, data)
}
