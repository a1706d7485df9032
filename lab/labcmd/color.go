package labcmd

import (
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"
)

// colorMode is the -color flag: auto colours only on a terminal and only
// when NO_COLOR is unset (https://no-color.org); always and never force it.
type colorMode string

func (m *colorMode) String() string { return string(*m) }

func (m *colorMode) Set(s string) error {
	switch s {
	case "auto", "always", "never":
		*m = colorMode(s)
		return nil
	}
	return fmt.Errorf("want auto, always or never, not %q", s)
}

// enabled decides whether lines written to w get colour.
func (m colorMode) enabled(w io.Writer) bool {
	switch m {
	case "always":
		return true
	case "never":
		return false
	}
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}
