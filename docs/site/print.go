package main

import (
	"fmt"
	"html/template"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// printPage is the site path of the whole course on one page.
const printPage = "print.html"

// writePrintPage joins every chapter, in reading order, into one page to
// print or save as PDF: each chapter a section starting on a new sheet, its
// folded <details> opened (paper cannot unfold them), links between
// chapters turned into links inside the page.
func (b *builder) writePrintPage(order []string) error {
	var toc, sections strings.Builder
	for _, p := range order {
		src, err := os.ReadFile(filepath.Join(b.root, filepath.FromSlash(p)))
		if err != nil {
			return err
		}
		html, err := render(src, &renderJob{from: p, href: b.printLinks(p), idPrefix: anchor(p) + "--"})
		if err != nil {
			return err
		}
		html = strings.ReplaceAll(html, "<details>", "<details open>")
		fmt.Fprintf(&toc, "<li><a href=\"#%s\">%s</a></li>\n", anchor(p), template.HTMLEscapeString(b.pages[p].title))
		fmt.Fprintf(&sections, "<section class=\"chapter\" id=\"%s\" data-source=\"%s\">\n%s</section>\n",
			anchor(p), template.HTMLEscapeString(p), html)
	}
	body := "<h1 id=\"contents\">ByteStream: the whole course</h1>\n" +
		"<p class=\"screen-only\">Print this page, or save it as PDF, from the browser: each chapter starts on a new sheet, and the folded sections are open.</p>\n" +
		"<ol class=\"toc\">\n" +
		toc.String() + "</ol>\n" + sections.String()
	f := frame{Title: "The whole course", Source: "README.md and docs/*.md", Top: b.topLinks(printPage), Body: template.HTML(body)}
	return b.writePage(printPage, f)
}

// printLinks returns the link rewriter for a chapter shown as a section of
// the print page: a link to a chapter, or into one, stays in the page.
func (b *builder) printLinks(from string) func(string) string {
	return func(dest string) string {
		p, fragment, ok := resolve(from, dest)
		if !ok {
			return dest
		}
		p, k := b.include(p)
		switch {
		case k == missing:
			return withFragment(p, fragment) // from the site's root, so the check names the same path
		case k == chapter && fragment == "":
			return "#" + anchor(p)
		case k == chapter:
			return "#" + anchor(p) + "--" + fragment
		}
		return withFragment(relative(printPage, sitePath(p, k)), fragment)
	}
}

// anchor is the id of a chapter's section on the print page, from its path:
// docs/01-naive.md becomes docs-01-naive. Heading ids inside it add "--"
// and GitHub's slug.
func anchor(p string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(strings.TrimSuffix(p, path.Ext(p))))
}
