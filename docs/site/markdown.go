package main

import (
	"bytes"
	"fmt"
	"strings"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// codeStyle is the chroma style of every highlighted block, in the chapters
// and in the source pages alike; style.css carries its colours.
const codeStyle = "github"

// markdown renders GitHub-flavoured Markdown the way the code host shows the
// chapters: tables, raw HTML such as <details> kept, fenced code highlighted
// by chroma into CSS classes (so no colour is fetched from anywhere).
var markdown = goldmark.New(
	goldmark.WithExtensions(
		extension.GFM,
		highlighting.NewHighlighting(
			highlighting.WithStyle(codeStyle),
			highlighting.WithFormatOptions(chromahtml.WithClasses(true)),
		),
	),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(pageTransformer{}, 100))),
	goldmark.WithRendererOptions(html.WithUnsafe()),
)

// renderJob is one rendering of one Markdown file. The same chapter is
// rendered twice: as its own page, and as a section of the print page,
// with other links and ids.
type renderJob struct {
	// from is the repository path of the Markdown file.
	from string
	// href rewrites a link or picture destination written in from.
	href func(dest string) string
	// idPrefix goes before every heading id; the print page uses it to
	// keep the ids of many chapters apart.
	idPrefix string
	// title is the text of the first level-1 heading, filled in by the
	// render.
	title string
}

var jobKey = parser.NewContextKey()

// render converts the Markdown src for job and returns the HTML.
func render(src []byte, job *renderJob) (string, error) {
	ctx := parser.NewContext()
	ctx.Set(jobKey, job)
	var out bytes.Buffer
	if err := markdown.Convert(src, &out, parser.WithContext(ctx)); err != nil {
		return "", fmt.Errorf("render %s: %w", job.from, err)
	}
	return out.String(), nil
}

// pageTransformer gives headings GitHub's anchor ids and rewrites link and
// picture destinations for the site, after parsing and before rendering.
type pageTransformer struct{}

func (pageTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	job := pc.Get(jobKey).(*renderJob)
	src := reader.Source()
	slugs := newSlugger()
	var headings []*ast.Heading
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			title := plainText(n, src)
			id := job.idPrefix + slugs.slug(title)
			n.SetAttributeString("id", []byte(id))
			headings = append(headings, n)
			if n.Level == 1 && job.title == "" {
				job.title = title
			}
		case *ast.Link:
			n.Destination = []byte(job.href(string(n.Destination)))
		case *ast.Image:
			n.Destination = []byte(job.href(string(n.Destination)))
		}
		return ast.WalkContinue, nil
	})
	// Added after the walk, so that the rewriting above leaves them alone.
	for _, h := range headings {
		id, _ := h.AttributeString("id")
		h.AppendChild(h, selfLink(string(id.([]byte))))
	}
}

// selfLink is the "#" shown beside a heading on hover, as GitHub shows
// one: a teacher copies a link to the section from it.
func selfLink(id string) ast.Node {
	link := ast.NewLink()
	link.Destination = []byte("#" + id)
	link.Title = []byte("Link to this section")
	link.SetAttributeString("class", []byte("anchor"))
	link.AppendChild(link, ast.NewString([]byte("#")))
	return link
}

// plainText is a heading's text as a reader sees it: code spans keep their
// text, markup and raw HTML tags are dropped. GitHub slugs this text.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}
