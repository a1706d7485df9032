package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestTheCourseSiteHasNoBrokenLink builds the real course, as `make site`
// does, and fails naming every link, anchor or picture that leads nowhere.
//
// `make test` runs it without the race detector (make site-check): it
// starts no goroutine, and under -race chroma's lexers take it from about
// 3 to about 10 CPU seconds.
func TestTheCourseSiteHasNoBrokenLink(t *testing.T) {
	if raceEnabled {
		t.Skip("run without -race by make site-check")
	}
	t.Parallel()
	out := t.TempDir()
	if err := build("../..", out); err != nil {
		t.Fatal(err)
	}
	for _, p := range check(out) {
		t.Errorf("broken: %s", p)
	}
	chapters, err := filepath.Glob("../*.md")
	if err != nil {
		t.Fatal(err)
	}
	printed := readFile(t, filepath.Join(out, printPage))
	for _, c := range chapters {
		name := strings.TrimSuffix(filepath.Base(c), ".md")
		if name == "README" {
			name = "index"
		}
		if _, err := os.Stat(filepath.Join(out, "docs", name+".html")); err != nil {
			t.Errorf("chapter %s has no page: %v", c, err)
		}
		if id := anchor("docs/" + filepath.Base(c)); !strings.Contains(printed, `id="`+id+`"`) {
			t.Errorf("the print page has no section %q for %s", id, c)
		}
	}
}

// fixture is a small repository: two chapters, a picture, a step folder.
// Its README links everything the site must rewrite, and a few things that
// do not exist.
var fixture = map[string]string{
	"README.md":      "# Fixture\n\n[course](docs/README.md) [step](steps/01-x) [web](https://go.dev/)\n",
	"docs/README.md": "# Course\n\n- [Two](b.md)\n- [One](a.md)\n",
	"docs/a.md": "# One — first\n\n## Run it\n\n## Run it\n\n" +
		"[next](b.md#the-end) [code](../steps/01-x/main.go#L2) [self](#run-it-1) [pic](pic.svg)\n\n" +
		"![picture](pic.svg)\n\n<details>\n<summary>diff</summary>\n\n```go\npackage main\n```\n\n</details>\n",
	"docs/b.md":          "# Two\n\n## The `end`\n\nBack to [one](a.md#run-it).\n",
	"docs/pic.svg":       `<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>`,
	"steps/01-x/main.go": "package main\n\nfunc main() {}\n",
	"docs/notes/a.md":    "# Notes for one\n\nSee [one](../a.md).\n",
}

// TestLinksPointIntoTheSite checks the rewriting on the fixture: chapters
// become their pages, sources and folders their generated pages, pictures
// stay where they are, web addresses are left alone.
func TestLinksPointIntoTheSite(t *testing.T) {
	t.Parallel()
	root, out := writeTree(t, fixture), t.TempDir()
	if err := run(root, out); err != nil {
		t.Fatal(err)
	}
	for page, want := range map[string][]string{
		"index.html":        {`href="docs/index.html"`, `href="steps/01-x/index.html"`, `href="https://go.dev/"`},
		"docs/a.html":       {`href="b.html#the-end"`, `href="../steps/01-x/main.go.html#L2"`, `href="#run-it-1"`, `<img src="pic.svg"`, `<details>`, `class="chroma"`, `<h2 id="run-it">Run it<a href="#run-it" title="Link to this section" class="anchor">#</a></h2>`},
		"docs/index.html":   {`<a class="next" rel="next" href="b.html">Two →</a>`},
		"docs/b.html":       {`href="a.html#run-it"`, `<a class="next" rel="next" href="a.html">One — first →</a>`},
		"docs/notes/a.html": {`href="../a.html"`, `<a class="prev" rel="prev" href="../a.html">← One — first</a>`},
		printPage:           {`href="#docs-b--the-end"`, `href="#docs-a--run-it-1"`, `href="#docs-readme"`, `<details open>`, `src="docs/pic.svg"`},
	} {
		html := readFile(t, filepath.Join(out, page))
		for _, w := range want {
			if !strings.Contains(html, w) {
				t.Errorf("%s lacks %s", page, w)
			}
		}
	}
}

// TestCheckNamesEachBrokenReference breaks a link, an anchor and a picture
// in the fixture, and shows a picture from the web, and expects the check
// to name each, and nothing else.
func TestCheckNamesEachBrokenReference(t *testing.T) {
	t.Parallel()
	broken := map[string]string{}
	for k, v := range fixture {
		broken[k] = v
	}
	broken["docs/b.md"] += "\n[gone](missing.md) [anchor](a.md#no-such-heading) ![lost](lost.png) <a href=\"a.md\">raw</a>\n" +
		"![badge](https://example.com/badge.svg)\n"
	root, out := writeTree(t, broken), t.TempDir()
	if err := build(root, out); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range check(out) {
		got = append(got, p.String())
	}
	want := []string{
		`docs/b.html (from docs/b.md): "missing.md" points to docs/missing.md, which the site does not have`,
		`docs/b.html (from docs/b.md): "a.html#no-such-heading" names the anchor #no-such-heading, which docs/a.html does not have`,
		`docs/b.html (from docs/b.md): "lost.png" points to docs/lost.png, which the site does not have`,
		`docs/b.html (from docs/b.md): "a.md" points to docs/a.md, which the site does not have`,
		`docs/b.html (from docs/b.md): "https://example.com/badge.svg" is loaded from the network, and the site must work offline`,
		`print.html (from docs/b.md): "docs/missing.md" points to docs/missing.md, which the site does not have`,
		`print.html (from docs/b.md): "#docs-a--no-such-heading" names the anchor #docs-a--no-such-heading, which print.html does not have`,
		`print.html (from docs/b.md): "docs/lost.png" points to docs/lost.png, which the site does not have`,
		`print.html (from docs/b.md): "a.md" points to a.md, which the site does not have`,
		`print.html (from docs/b.md): "https://example.com/badge.svg" is loaded from the network, and the site must work offline`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("check reported\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if err := run(root, t.TempDir()); err == nil || !strings.Contains(err.Error(), "10 broken link(s)") {
		t.Errorf("run on a site with broken links returned %v, want an error counting them", err)
	}
}

// TestHeadingIDsAreGitHubs renders headings and compares their ids with
// the ones GitHub gives the same headings.
func TestHeadingIDsAreGitHubs(t *testing.T) {
	t.Parallel()
	src := "# Step 04 — Typed messages\n## Step 04 meets `final`\n## Run it\n### Run it\n" +
		"## What's *new*?\n## snake_case and kebab-case\n## Größe 1.5× [link](x.md)\n## Run it-1\n"
	html, err := render([]byte(src), &renderJob{from: "docs/x.md", href: func(d string) string { return d }})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range regexp.MustCompile(`<h\d id="([^"]*)"`).FindAllStringSubmatch(html, -1) {
		got = append(got, m[1])
	}
	want := []string{"step-04--typed-messages", "step-04-meets-final", "run-it", "run-it-1",
		"whats-new", "snake_case-and-kebab-case", "größe-15-link", "run-it-1-1"}
	if !slices.Equal(got, want) {
		t.Errorf("heading ids\n got %q\nwant %q", got, want)
	}
}

// TestBuildRefusesAFolderItDidNotWrite keeps a mistyped -o from emptying
// someone's folder.
func TestBuildRefusesAFolderItDidNotWrite(t *testing.T) {
	t.Parallel()
	out := writeTree(t, map[string]string{"notes.txt": "mine"})
	if err := build(writeTree(t, fixture), out); err == nil {
		t.Fatal("build wrote into a non-empty folder without its marker")
	}
	if got := readFile(t, filepath.Join(out, "notes.txt")); got != "mine" {
		t.Errorf("notes.txt now holds %q", got)
	}
}

// writeTree writes files (slash paths to contents) under a new temporary
// folder and returns it.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		full := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
