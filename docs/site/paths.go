package main

import (
	"bytes"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// kind says what the site makes of a path in the repository.
type kind int

const (
	missing kind = iota // nothing there: a link to it is left as written, and the check reports it
	chapter             // a Markdown file: rendered as a page of the course
	asset               // a picture or other binary file: copied as it is
	source              // any other file: shown as a highlighted page
	folder              // a directory: a page listing what it holds
)

// pictureExts are the files a page shows inline; they are copied untouched.
var pictureExts = map[string]bool{".svg": true, ".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true}

// kindOf looks at the repository path p (slash-separated, relative to root).
func kindOf(root, p string) kind {
	full := filepath.Join(root, filepath.FromSlash(p))
	info, err := os.Stat(full)
	switch {
	case err != nil:
		return missing
	case info.IsDir():
		return folder
	case strings.EqualFold(path.Ext(p), ".md"):
		return chapter
	case pictureExts[strings.ToLower(path.Ext(p))] || !isText(full):
		return asset
	}
	return source
}

// isText reports whether the file looks like text worth highlighting: UTF-8
// with no NUL byte in its first 8 KiB. A compiled binary left in a step
// folder is copied, not shown.
func isText(file string) bool {
	f, err := os.Open(file)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 8<<10)
	n, _ := f.Read(head)
	head = head[:n]
	if bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	// A multi-byte character cut by the 8 KiB boundary is still text.
	for i := 0; i < utf8.UTFMax && !utf8.Valid(head) && len(head) > 0; i++ {
		head = head[:len(head)-1]
	}
	return utf8.Valid(head)
}

// sitePath is where the repository path p of kind k lands in the site. The
// site mirrors the repository's layout, so a picture's relative path is the
// same in both; only pages get an .html name. Folders become index.html
// pages because a browser reading from the disk does not open a folder's
// index by itself.
func sitePath(p string, k kind) string {
	switch k {
	case chapter:
		dir, base := path.Split(p)
		if strings.EqualFold(base, "README.md") {
			return path.Join(dir, "index.html")
		}
		return strings.TrimSuffix(p, path.Ext(p)) + ".html"
	case folder:
		return path.Join(p, "index.html")
	case source:
		return p + ".html"
	}
	return p
}

// resolve turns a link destination written in the Markdown file from into
// the repository path it names and its fragment. ok is false for links the
// site leaves alone: web addresses, mail links and paths outside the
// repository. A fragment-only link ("#frames") resolves to from itself.
func resolve(from, dest string) (target, fragment string, ok bool) {
	if dest == "" || strings.HasPrefix(dest, "//") {
		return "", "", false
	}
	u, err := url.Parse(dest)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "", "", false
	}
	if u.Path == "" {
		return from, u.Fragment, true
	}
	p := u.Path
	if strings.HasPrefix(p, "/") {
		p = strings.TrimLeft(p, "/") // GitHub reads /x as the repository's root
	} else {
		p = path.Join(path.Dir(from), p)
	}
	p = path.Clean(p)
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", "", false
	}
	return p, u.Fragment, true
}

// relative is the link from a page at site path fromPage to the site path to.
func relative(fromPage, to string) string {
	rel, err := filepath.Rel(filepath.FromSlash(path.Dir(fromPage)), filepath.FromSlash(to))
	if err != nil {
		return to
	}
	return filepath.ToSlash(rel)
}

// withFragment appends "#fragment" when there is one.
func withFragment(href, fragment string) string {
	if fragment == "" {
		return href
	}
	return href + "#" + fragment
}

// hidden reports whether a folder walk skips the entry: dot files and, as
// the go tool does, names starting with "_" (the default output folder,
// docs/_site, among them).
func hidden(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}
