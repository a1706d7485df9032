package main

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// marker is the file that says a folder is a site this program wrote, so a
// rebuild may empty it. Without it, build refuses to touch a non-empty
// folder: a mistyped -o must not delete anyone's work.
const marker = ".bytestream-site"

// page is one HTML page of the site before it gets its frame (header and
// chapter navigation), which needs every page known first.
type page struct {
	kind  kind
	title string
	body  template.HTML
}

// builder walks from the chapters to everything they link, once each.
type builder struct {
	root  string           // the repository on disk
	out   string           // the site folder
	kinds map[string]kind  // every repository path met so far, and what it is
	queue []string         // paths met but not yet written
	pages map[string]*page // the pages written so far, by repository path
	// courseOrder lists the chapters in the order docs/README.md links
	// them: the reading order the previous/next links follow.
	courseOrder []string
}

// build writes the site for the repository at root into out.
func build(root, out string) error {
	if err := prepareOut(out); err != nil {
		return err
	}
	b := &builder{root: root, out: out, kinds: map[string]kind{}, pages: map[string]*page{}}
	b.include("README.md")
	if err := b.includeChapters("docs"); err != nil {
		return err
	}
	for len(b.queue) > 0 {
		p := b.queue[0]
		b.queue = b.queue[1:]
		if err := b.write(p); err != nil {
			return err
		}
	}
	order := b.readingOrder()
	if err := b.writeFramed(order); err != nil {
		return err
	}
	if err := b.writePrintPage(order); err != nil {
		return err
	}
	return writeStyle(out)
}

// includeChapters includes every Markdown file under the folder dir, linked
// or not, so that a chapter no page links yet still gets its page.
func (b *builder) includeChapters(dir string) error {
	return filepath.WalkDir(filepath.Join(b.root, dir), func(file string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && hidden(d.Name()) && d.Name() != ".":
			return filepath.SkipDir
		case !d.IsDir() && strings.EqualFold(filepath.Ext(file), ".md"):
			rel, err := filepath.Rel(b.root, file)
			if err != nil {
				return err
			}
			b.include(filepath.ToSlash(rel))
		}
		return nil
	})
}

// prepareOut empties out if an earlier build wrote it, and creates it.
func prepareOut(out string) error {
	entries, err := os.ReadDir(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("read output folder: %w", err)
	case len(entries) == 0:
	default:
		if _, err := os.Stat(filepath.Join(out, marker)); err != nil {
			return fmt.Errorf("output folder %s is not empty and was not written by this program (no %s); choose another -o", out, marker)
		}
		if err := os.RemoveAll(out); err != nil {
			return fmt.Errorf("clear the previous site: %w", err)
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("create output folder: %w", err)
	}
	return os.WriteFile(filepath.Join(out, marker), []byte("written by go run ./docs/site; safe to delete\n"), 0o644)
}

// include notes that the site needs the repository path p, queues it the
// first time, and returns the path that stands for it and what that is. A
// folder holding a README.md stands for that README, as on GitHub.
func (b *builder) include(p string) (string, kind) {
	if readme := path.Join(p, "README.md"); kindOf(b.root, p) == folder && kindOf(b.root, readme) == chapter {
		p = readme
	}
	if k, ok := b.kinds[p]; ok {
		return p, k
	}
	k := kindOf(b.root, p)
	b.kinds[p] = k
	if k != missing {
		b.queue = append(b.queue, p)
	}
	return p, k
}

// write makes the page, or the copy, for one repository path.
func (b *builder) write(p string) error {
	switch b.kinds[p] {
	case chapter:
		return b.addChapter(p)
	case source:
		return b.addSource(p)
	case folder:
		return b.addFolder(p)
	case asset:
		return b.copyAsset(p)
	}
	return nil
}

// siteLinks returns the link rewriter for a chapter shown as its own page.
// A link to a path that does not exist is left as written; the check names
// it.
func (b *builder) siteLinks(from string) func(string) string {
	self := sitePath(from, chapter)
	return func(dest string) string {
		p, fragment, ok := resolve(from, dest)
		if !ok {
			return dest
		}
		if p == from && fragment != "" {
			return "#" + fragment
		}
		p, k := b.include(p)
		if k == missing {
			return dest
		}
		return withFragment(relative(self, sitePath(p, k)), fragment)
	}
}

// addChapter renders a Markdown file; the links it holds queue their
// targets.
func (b *builder) addChapter(p string) error {
	src, err := os.ReadFile(filepath.Join(b.root, filepath.FromSlash(p)))
	if err != nil {
		return err
	}
	job := &renderJob{from: p, href: b.siteLinks(p)}
	body, err := render(src, job)
	if err != nil {
		return err
	}
	if job.title == "" {
		job.title = p
	}
	b.pages[p] = &page{kind: chapter, title: job.title, body: template.HTML(body)}
	if p == "docs/README.md" {
		b.courseOrder = chapterLinks(b.root, p, src)
	}
	return nil
}

// chapterLinks lists, in order, the Markdown files the page src links to.
func chapterLinks(root, from string, src []byte) []string {
	var links []string
	job := &renderJob{from: from, href: func(dest string) string {
		if p, _, ok := resolve(from, dest); ok && p != from && kindOf(root, p) == chapter {
			links = append(links, p)
		}
		return dest
	}}
	_, _ = render(src, job) // the HTML is not needed, only the links seen
	return links
}

// readingOrder is the order of the previous/next links: the project README,
// the course index, the chapters as the index lists them, then any other
// Markdown page the site holds, by path.
func (b *builder) readingOrder() []string {
	var order []string
	seen := map[string]bool{}
	add := func(p string) {
		if pg := b.pages[p]; pg != nil && pg.kind == chapter && !seen[p] {
			seen[p] = true
			order = append(order, p)
		}
	}
	add("README.md")
	add("docs/README.md")
	for _, p := range b.courseOrder {
		add(p)
	}
	var rest []string
	for p := range b.pages {
		rest = append(rest, p)
	}
	sort.Strings(rest)
	for _, p := range rest {
		add(p)
	}
	return order
}

// writeFile writes data at the site path p, creating its folder.
func (b *builder) writeFile(p string, data []byte) error {
	full := filepath.Join(b.out, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return err
	}
	return os.WriteFile(full, data, 0o644)
}

// copyAsset copies a picture or binary file to the same path in the site.
func (b *builder) copyAsset(p string) error {
	data, err := os.ReadFile(filepath.Join(b.root, filepath.FromSlash(p)))
	if err != nil {
		return err
	}
	return b.writeFile(p, data)
}
