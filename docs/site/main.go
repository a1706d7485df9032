// Command site renders the ByteStream course into a static HTML site that
// works offline: open its index.html straight from the disk, or hand the
// folder out on a USB stick.
//
//	go run ./docs/site -o docs/_site    (what `make site` runs)
//
// Start reading at build.go: it walks from README.md and the chapters in
// docs/ to every file they link, and writes one page for each. markdown.go
// renders a chapter and rewrites its links, sources.go renders the linked
// source files and folders, print.go joins the whole course into one page,
// and check.go then proves that every link, anchor and picture in the
// written site resolves.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
)

func main() {
	root := flag.String("root", ".", "the repository to render: the folder holding README.md and docs/")
	out := flag.String("o", "docs/_site", "the folder to write the site to; rebuilt from scratch on every run")
	flag.Parse()
	if err := run(*root, *out); err != nil {
		fmt.Fprintln(os.Stderr, "site:", err)
		os.Exit(1)
	}
}

// run builds the site and then checks it, so that a site with a broken link
// is never reported as built.
func run(root, out string) error {
	if err := build(root, out); err != nil {
		return err
	}
	if problems := check(out); len(problems) > 0 {
		return errors.New(formatProblems(problems))
	}
	fmt.Printf("site: wrote %s/index.html (one page for print: %s/print.html)\n", out, out)
	return nil
}
