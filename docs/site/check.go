package main

import (
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/net/html"
)

// A problem is one reference in the written site that leads nowhere.
type problem struct {
	page   string // the site page holding the reference
	source string // the repository file the page was made from
	ref    string // the href or src as written in the page
	reason string
}

func (p problem) String() string {
	return fmt.Sprintf("%s (from %s): %q %s", p.page, p.source, p.ref, p.reason)
}

// formatProblems is the report of a failed check, one problem a line.
func formatProblems(problems []problem) string {
	lines := []string{fmt.Sprintf("%d broken link(s) in the site:", len(problems))}
	for _, p := range problems {
		lines = append(lines, "  "+p.String())
	}
	return strings.Join(lines, "\n")
}

// parsedPage is what the check needs from one HTML page.
type parsedPage struct {
	ids  map[string]bool
	refs []ref
}

// ref is one href or src, with the repository file it was written in.
type ref struct {
	value  string
	source string
	// loaded is true when the browser fetches the target to show the
	// page (a picture, a style sheet), false when it is followed only on
	// a click (a link).
	loaded bool
}

// check reads every HTML page written under out and returns each link,
// anchor (#fragment) or picture that does not resolve inside the site. It
// reads the written pages, not the Markdown, so it also checks what raw
// HTML in a chapter links and what the frame around it adds. Links to the
// web are not followed, they are not part of the site; but a page that
// loads a picture or a style sheet from the web is a problem, since the
// site must work offline.
func check(out string) []problem {
	pages := map[string]*parsedPage{}
	var problems []problem
	_ = filepath.WalkDir(out, func(file string, d fs.DirEntry, err error) error {
		if err != nil {
			problems = append(problems, problem{page: file, reason: "cannot be read: " + err.Error()})
			return nil
		}
		if d.IsDir() || !strings.HasSuffix(file, ".html") {
			return nil
		}
		rel, _ := filepath.Rel(out, file)
		pg, err := parsePage(file)
		if err != nil {
			problems = append(problems, problem{page: filepath.ToSlash(rel), reason: err.Error()})
			return nil
		}
		pages[filepath.ToSlash(rel)] = pg
		return nil
	})
	names := make([]string, 0, len(pages))
	for name := range pages {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, r := range pages[name].refs {
			if reason := resolveRef(out, pages, name, r); reason != "" {
				problems = append(problems, problem{page: name, source: r.source, ref: r.value, reason: reason})
			}
		}
	}
	return problems
}

// resolveRef says why r, found on the site page name, leads nowhere, or
// returns "" when it resolves.
func resolveRef(out string, pages map[string]*parsedPage, name string, r ref) string {
	u, err := url.Parse(r.value)
	switch {
	case err != nil:
		return "is not a valid URL: " + err.Error()
	case (u.Scheme != "" || u.Host != "") && r.loaded:
		return "is loaded from the network, and the site must work offline"
	case u.Scheme != "" || u.Host != "":
		return "" // a link to the web: outside the site, not followed
	case u.Path == "" && u.Fragment == "":
		return ""
	}
	target := name
	if u.Path != "" {
		if strings.HasPrefix(u.Path, "/") {
			return "is an absolute path, which breaks when the site is opened from disk"
		}
		target = path.Join(path.Dir(name), u.Path)
		if target == ".." || strings.HasPrefix(target, "../") {
			return "points outside the site"
		}
		info, err := os.Stat(filepath.Join(out, filepath.FromSlash(target)))
		switch {
		case err != nil:
			return "points to " + target + ", which the site does not have"
		case info.IsDir():
			return "points to the folder " + target + ", which a browser opens only as a file listing; link its index.html"
		}
	}
	if u.Fragment == "" {
		return ""
	}
	pg, ok := pages[target]
	if !ok {
		return "has a fragment, but " + target + " is not an HTML page"
	}
	if !pg.ids[u.Fragment] {
		return "names the anchor #" + u.Fragment + ", which " + target + " does not have"
	}
	return ""
}

// parsePage collects the ids a page defines and the references it makes:
// links, pictures and style sheets. Each reference carries the repository
// file it came from: the page's <meta name="source">, or on the print page
// the data-source of the chapter's section around it.
func parsePage(file string) (*parsedPage, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := html.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("parse HTML: %w", err)
	}
	pg := &parsedPage{ids: map[string]bool{}}
	source := pageSource(doc)
	var walk func(n *html.Node, source string)
	walk = func(n *html.Node, source string) {
		if n.Type == html.ElementNode {
			if s := attr(n, "data-source"); s != "" {
				source = s
			}
			collect(n, pg, source)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, source)
		}
	}
	walk(doc, source)
	return pg, nil
}

// pageSource finds the content of <meta name="source">.
func pageSource(n *html.Node) string {
	if n.Type == html.ElementNode && n.Data == "meta" && attr(n, "name") == "source" {
		return attr(n, "content")
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if s := pageSource(c); s != "" {
			return s
		}
	}
	return ""
}

// refAttrs are the attributes, by element, whose value the browser loads
// or follows.
var refAttrs = map[string]string{"a": "href", "link": "href", "img": "src", "script": "src", "source": "src", "object": "data", "iframe": "src"}

// collect records the ids and references of one element.
func collect(n *html.Node, pg *parsedPage, source string) {
	if id := attr(n, "id"); id != "" {
		pg.ids[id] = true
	}
	if name := attr(n, "name"); n.Data == "a" && name != "" {
		pg.ids[name] = true
	}
	if key, ok := refAttrs[n.Data]; ok {
		if v, present := attrOK(n, key); present {
			pg.refs = append(pg.refs, ref{value: v, source: source, loaded: n.Data != "a"})
		}
	}
}

func attr(n *html.Node, key string) string {
	v, _ := attrOK(n, key)
	return v
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}
