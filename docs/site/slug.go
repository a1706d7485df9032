package main

import (
	"strconv"
	"strings"
	"unicode"
)

// slugger gives headings the anchor ids GitHub gives them, so that a link
// such as protocol.md#how-a-connection-ends works the same on the code host
// and in the site. One slugger serves one page: ids repeat across pages but
// not within one.
type slugger struct {
	// seen counts, for each slug a heading produced, how many times it
	// has been used, so the second "Run it" becomes "run-it-1".
	seen map[string]int
}

func newSlugger() *slugger { return &slugger{seen: map[string]int{}} }

// slug returns the id for a heading with the given text. It follows
// github-slugger, which GitHub uses: lower case; letters, digits, marks,
// "-" and "_" kept; each space turned into "-"; every other character
// (punctuation, symbols such as "—") dropped; a repeat gets "-1", "-2", ….
func (s *slugger) slug(text string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(text)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	base := b.String()
	id := base
	for {
		if _, taken := s.seen[id]; !taken {
			break
		}
		s.seen[base]++
		id = base + "-" + strconv.Itoa(s.seen[base])
	}
	s.seen[id] = 0
	return id
}
