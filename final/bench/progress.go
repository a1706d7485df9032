package bench

import (
	"fmt"
	"io"
	"strings"
)

// progressWidth is the bar's length in characters.
const progressWidth = 24

// ProgressBar draws which experiment runs and how far the run has come on
// one terminal line, redrawn in place. Use it only when w is a terminal:
// in a log file the carriage returns would be noise.
type ProgressBar struct {
	W io.Writer
}

// Update redraws the line; it has Config.Progress's signature.
func (p ProgressBar) Update(step, steps int, what string) {
	done := (step - 1) * progressWidth / max(steps, 1)
	bar := strings.Repeat("█", done) + strings.Repeat("░", progressWidth-done)
	// \r returns to the line's start; \x1b[K erases what a longer previous
	// label left behind. One write per redraw, so the line never tears.
	fmt.Fprintf(p.W, "\r%s %2d/%d %s\x1b[K", bar, step, steps, what)
}

// Clear erases the line, so the report starts on a clean terminal.
func (p ProgressBar) Clear() {
	io.WriteString(p.W, "\r\x1b[K")
}
