package main

import (
	"bytes"
	"fmt"
	"html/template"
	"path"
	"strings"
)

// frame is what the page template needs around a page's body.
type frame struct {
	Title  string
	Source string // the repository path shown, named in the check's reports
	Base   string // from the page to the site's root: "", "../", …
	Top    []navLink
	Crumbs []navLink // for a source or folder page: the path, folder by folder
	Prev   *navLink
	Next   *navLink
	Body   template.HTML
}

type navLink struct {
	Href  string
	Title string
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="source" content="{{.Source}}">
<title>{{.Title}} · ByteStream</title>
<link rel="stylesheet" href="{{.Base}}style.css">
</head>
<body>
<header class="top"><nav>{{range $i, $l := .Top}}{{if $i}} · {{end}}<a href="{{$l.Href}}">{{$l.Title}}</a>{{end}}</nav></header>
{{- template "pager" .}}
{{- with .Crumbs}}
<nav class="crumbs">{{range $i, $l := .}}{{if $i}} / {{end}}{{if $l.Href}}<a href="{{$l.Href}}">{{$l.Title}}</a>{{else}}{{$l.Title}}{{end}}{{end}}</nav>
{{- end}}
<main>
{{.Body}}
</main>
{{- template "pager" .}}
</body>
</html>
{{define "pager"}}{{if or .Prev .Next}}
<nav class="pager">
{{- with .Prev}}<a class="prev" rel="prev" href="{{.Href}}">← {{.Title}}</a>{{end}}
{{- with .Next}}<a class="next" rel="next" href="{{.Href}}">{{.Title}} →</a>{{end}}
</nav>{{end}}{{end}}
`))

// writeFramed writes every page in its frame. order is the reading order
// of the chapters, which the previous/next links follow.
func (b *builder) writeFramed(order []string) error {
	position := map[string]int{}
	for i, p := range order {
		position[p] = i
	}
	for p, pg := range b.pages {
		self := sitePath(p, pg.kind)
		f := frame{Title: pg.title, Source: p, Base: relativeRoot(self), Top: b.topLinks(self), Body: pg.body}
		if i, ok := position[p]; ok {
			if i > 0 {
				f.Prev = b.chapterLink(self, order[i-1])
			}
			if i+1 < len(order) {
				f.Next = b.chapterLink(self, order[i+1])
			}
		} else {
			f.Crumbs = b.crumbs(self, p)
		}
		if err := b.writePage(self, f); err != nil {
			return err
		}
	}
	return nil
}

// writePage executes the template into the site path self.
func (b *builder) writePage(self string, f frame) error {
	var out bytes.Buffer
	if err := pageTemplate.Execute(&out, f); err != nil {
		return fmt.Errorf("frame %s: %w", f.Source, err)
	}
	return b.writeFile(self, out.Bytes())
}

// topLinks is the bar at the top of every page: the project, the course
// index and the one-page course.
func (b *builder) topLinks(self string) []navLink {
	links := []navLink{{relative(self, "index.html"), "ByteStream"}}
	if b.pages["docs/README.md"] != nil {
		links = append(links, navLink{relative(self, "docs/index.html"), "Course contents"})
	}
	return append(links, navLink{relative(self, printPage), "Whole course on one page"})
}

// chapterLink links the page at self to the chapter p, by its title.
func (b *builder) chapterLink(self, p string) *navLink {
	return &navLink{relative(self, sitePath(p, chapter)), b.pages[p].title}
}

// crumbs shows a source or folder page's path, each folder linked when the
// site has its listing.
func (b *builder) crumbs(self, p string) []navLink {
	parts := strings.Split(p, "/")
	var links []navLink
	for i, name := range parts {
		dir := strings.Join(parts[:i+1], "/")
		link := navLink{Title: name}
		if pg := b.pages[dir]; pg != nil && pg.kind == folder && dir != p {
			link.Href = relative(self, sitePath(dir, folder))
		}
		links = append(links, link)
	}
	return links
}

// relativeRoot is the way from the page at self up to the site's root.
func relativeRoot(self string) string {
	dir := path.Dir(self)
	if dir == "." {
		return ""
	}
	return strings.Repeat("../", strings.Count(dir, "/")+1)
}
