package logging

import (
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"
)

// ColorMode says when log lines are coloured. The zero value is Auto.
//
// *ColorMode implements flag.Value, so a command line can offer
// `-color=auto|always|never` with flag.Var.
type ColorMode int

const (
	// Auto colours only when the writer is a terminal and the NO_COLOR
	// environment variable is unset or empty (https://no-color.org).
	Auto ColorMode = iota
	// Always colours even into a pipe or file, and even when NO_COLOR is
	// set: an explicit request on the command line wins over the
	// environment, as the NO_COLOR convention allows.
	Always
	// Never writes plain text.
	Never
)

var modeNames = [...]string{Auto: "auto", Always: "always", Never: "never"}

// String returns the mode's flag spelling.
func (m ColorMode) String() string {
	if m >= 0 && int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("ColorMode(%d)", int(m))
}

// Set parses "auto", "always" or "never".
func (m *ColorMode) Set(s string) error {
	for i, name := range modeNames {
		if s == name {
			*m = ColorMode(i)
			return nil
		}
	}
	return fmt.Errorf("want auto, always or never, not %q", s)
}

// Enabled decides whether text written to w gets colour: the Logger asks
// once, when it is made, and so does anything else that honours a -color
// flag, such as the bench's table on stdout.
func (m ColorMode) Enabled(w io.Writer) bool {
	switch m {
	case Always:
		return true
	case Never:
		return false
	}
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
