package main

import (
	"fmt"
	"html/template"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// sourceFormatter writes a source file with numbered lines whose ids, L1,
// L2, …, are the ones GitHub uses, so a chapter may link reader.go#L42.
// The numbers sit in their own table column so that copying the code does
// not copy them.
var sourceFormatter = chromahtml.New(
	chromahtml.WithClasses(true),
	chromahtml.WithLineNumbers(true),
	chromahtml.LineNumbersInTable(true),
	chromahtml.WithLinkableLineNumbers(true, "L"),
	chromahtml.TabWidth(4),
)

// addSource renders a text file the chapters link (Go code, a test script,
// a diff) as a highlighted page, so the link works without the code host.
func (b *builder) addSource(p string) error {
	src, err := os.ReadFile(filepath.Join(b.root, filepath.FromSlash(p)))
	if err != nil {
		return err
	}
	lexer := lexers.Match(path.Base(p))
	if lexer == nil {
		lexer = lexers.Fallback
	}
	tokens, err := chroma.Coalesce(lexer).Tokenise(nil, string(src))
	if err != nil {
		return fmt.Errorf("highlight %s: %w", p, err)
	}
	var code strings.Builder
	if err := sourceFormatter.Format(&code, styles.Get(codeStyle), tokens); err != nil {
		return fmt.Errorf("highlight %s: %w", p, err)
	}
	body := fmt.Sprintf("<h1 class=\"path\"><code>%s</code></h1>\n%s",
		template.HTMLEscapeString(p), code.String())
	b.pages[p] = &page{kind: source, title: p, body: template.HTML(body)}
	return nil
}

// addFolder writes a page listing a linked folder, folders first, and
// includes everything in it, so a link such as ../steps/03-framing lets a
// reader browse the whole step offline.
func (b *builder) addFolder(p string) error {
	entries, err := os.ReadDir(filepath.Join(b.root, filepath.FromSlash(p)))
	if err != nil {
		return err
	}
	self := sitePath(p, folder)
	var dirs, files strings.Builder
	for _, e := range entries {
		if hidden(e.Name()) {
			continue
		}
		child, k := b.include(path.Join(p, e.Name()))
		item := fmt.Sprintf("<li><a href=\"%s\">%s</a></li>\n",
			template.HTMLEscapeString(relative(self, sitePath(child, k))), template.HTMLEscapeString(e.Name()))
		if e.IsDir() {
			dirs.WriteString(strings.Replace(item, "</a>", "/</a>", 1))
		} else {
			files.WriteString(item)
		}
	}
	body := fmt.Sprintf("<h1 class=\"path\"><code>%s/</code></h1>\n<ul class=\"listing\">\n%s%s</ul>\n",
		template.HTMLEscapeString(p), dirs.String(), files.String())
	b.pages[p] = &page{kind: folder, title: p + "/", body: template.HTML(body)}
	return nil
}
