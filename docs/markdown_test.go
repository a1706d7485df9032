package docs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// block is one fenced code block of a Markdown file.
type block struct {
	line  int      // 1-based line of the opening fence
	info  string   // the first word after the fence: "sh", "go", "" ...
	lines []string // the content, without the fences
	prev  string   // the last non-blank line before the opening fence
}

// section is the text under one "## " heading, up to the next one.
type section struct {
	title string
	line  int
	text  string
}

// page is a Markdown file split into what the docs tests look at.
type page struct {
	path     string
	lines    []string
	blocks   []block
	sections []section
}

// coursePages are the files whose every shown output must be checked: the
// step chapters, their teacher notes, the course index, the protocol, the
// lab, bench, grading and robustness chapters a learner follows as
// closely, and the top-level README.
func coursePages(t *testing.T) []*page {
	t.Helper()
	paths, err := filepath.Glob("0[1-9]-*.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("found no chapters docs/0N-*.md")
	}
	notes, err := filepath.Glob(filepath.Join("teach", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	paths = append(paths, notes...)
	paths = append(paths, "README.md", "protocol.md", "lab.md", "bench.md", "grade.md", "robustness.md", filepath.Join("..", "README.md"))
	var pages []*page
	for _, p := range paths {
		pages = append(pages, readPage(t, p))
	}
	return pages
}

// chapters are the step chapters alone, docs/0N-name.md.
func chapters(t *testing.T) []*page {
	t.Helper()
	var out []*page
	for _, p := range coursePages(t) {
		if filepath.Dir(p.path) == "." && stepName.MatchString(strings.TrimSuffix(p.path, ".md")) {
			out = append(out, p)
		}
	}
	return out
}

func readPage(t *testing.T, path string) *page {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parsePage(path, string(data))
}

// parsePage finds the fenced blocks and the "## " sections of text. A fence
// may be indented, as it is inside a list item; headings inside fences are
// not headings.
func parsePage(path, text string) *page {
	p := &page{path: path, lines: strings.Split(text, "\n")}
	var cur *block
	prev := ""
	sec := -1 // index of the section being read
	add := func(raw string) {
		if sec >= 0 {
			p.sections[sec].text += raw + "\n"
		}
	}
	for i, raw := range p.lines {
		trimmed := strings.TrimSpace(raw)
		if cur != nil {
			if strings.HasPrefix(trimmed, "```") {
				p.blocks = append(p.blocks, *cur)
				cur = nil
				continue
			}
			cur.lines = append(cur.lines, raw)
			add(raw)
			continue
		}
		if info, ok := strings.CutPrefix(trimmed, "```"); ok {
			word, _, _ := strings.Cut(info, " ")
			cur = &block{line: i + 1, info: word, prev: prev}
			add(raw)
			continue
		}
		if title, ok := strings.CutPrefix(raw, "## "); ok {
			p.sections = append(p.sections, section{title: title, line: i + 1})
			sec = len(p.sections) - 1
		} else {
			add(raw)
		}
		if trimmed != "" {
			prev = trimmed
		}
	}
	return p
}

// section returns the section with the given title, or nil.
func (p *page) section(title string) *section {
	for i := range p.sections {
		if p.sections[i].title == title {
			return &p.sections[i]
		}
	}
	return nil
}

// intro is everything between the title and the first "## " heading.
func (p *page) intro() string {
	var b strings.Builder
	for _, l := range p.lines {
		if strings.HasPrefix(l, "## ") {
			break
		}
		b.WriteString(l + "\n")
	}
	return b.String()
}
