package soak

import (
	"fmt"
	"io"
	"strings"
	"sync"
)

// Row is one line of the figures table: what was attacked, what was
// measured, the measurement, the target it must meet, and whether it did.
type Row struct {
	Threat string // "hostile: 4 GiB declarations"
	Figure string // "peak server memory growth"
	Value  string // "2.1 MiB"
	Target string // "< 20 MiB"
	Pass   bool
}

// Table collects rows from tests and prints them once, at the end of a run.
// It is safe for concurrent use.
type Table struct {
	mu   sync.Mutex
	rows []Row
}

// Add appends a row.
func (t *Table) Add(r Row) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rows = append(t.rows, r)
}

// Len returns how many rows were added.
func (t *Table) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.rows)
}

// WriteMarkdown prints the rows as an aligned Markdown table, readable in a
// terminal and pasteable into docs/robustness.md as it is.
func (t *Table) WriteMarkdown(w io.Writer) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	cells := [][]string{{"threat", "figure", "value", "target", "result"}}
	for _, r := range t.rows {
		cells = append(cells, []string{r.Threat, r.Figure, r.Value, r.Target, verdict(r.Pass)})
	}
	widths := columnWidths(cells)
	var b strings.Builder
	for i, row := range cells {
		writeLine(&b, row, widths)
		if i == 0 {
			rule := make([]string, len(widths))
			for j, n := range widths {
				rule[j] = strings.Repeat("-", n)
			}
			writeLine(&b, rule, widths)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func verdict(pass bool) string {
	if pass {
		return "pass"
	}
	return "FAIL"
}

// columnWidths measures in runes, so "≤" and "µs" do not skew the columns.
func columnWidths(cells [][]string) []int {
	widths := make([]int, len(cells[0]))
	for _, row := range cells {
		for j, c := range row {
			widths[j] = max(widths[j], len([]rune(c)))
		}
	}
	return widths
}

func writeLine(b *strings.Builder, row []string, widths []int) {
	for j, c := range row {
		fmt.Fprintf(b, "| %s%s ", c, strings.Repeat(" ", widths[j]-len([]rune(c))))
	}
	b.WriteString("|\n")
}
