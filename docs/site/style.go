package main

import (
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/alecthomas/chroma/v2/styles"
)

// pageCSS is the look of every page; the code colours are appended from
// the chroma style, so the site needs no file from the network.
//
//go:embed style.css
var pageCSS string

// writeStyle writes style.css at the site's root.
func writeStyle(out string) error {
	var css strings.Builder
	css.WriteString(pageCSS)
	css.WriteString("\n/* Code colours: chroma's \"" + codeStyle + "\" style. */\n")
	if err := sourceFormatter.WriteCSS(&css, styles.Get(codeStyle)); err != nil {
		return fmt.Errorf("write code colours: %w", err)
	}
	return os.WriteFile(filepath.Join(out, "style.css"), []byte(css.String()), 0o644)
}
