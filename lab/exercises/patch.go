package exercises

import (
	"fmt"
	"strconv"
	"strings"
)

// A filePatch is the part of a unified diff that changes one file.
type filePatch struct {
	Path   string // relative to the repository
	Delete bool   // the solution deletes the file ("+++ /dev/null")
	Hunks  []hunk
}

// A hunk replaces the lines Old, starting at line OldStart (1-based), with
// the lines New.
type hunk struct {
	OldStart int
	Old, New []string
}

// parsePatch reads a unified diff, as github.com/rogpeppe/go-internal/diff
// and `diff -u` write it, one file after the other.
func parsePatch(text []byte) ([]filePatch, error) {
	var patches []filePatch
	var cur *hunk
	var oldName string
	for i, line := range strings.Split(strings.TrimSuffix(string(text), "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "diff "), line == "":
			cur = nil
		case strings.HasPrefix(line, "--- "):
			oldName = strings.TrimPrefix(strings.Fields(line)[1], "a/")
			cur = nil
		case strings.HasPrefix(line, "+++ "):
			name := strings.TrimPrefix(strings.Fields(line)[1], "b/")
			if name == "/dev/null" {
				patches = append(patches, filePatch{Path: oldName, Delete: true})
			} else {
				patches = append(patches, filePatch{Path: name})
			}
			cur = nil
		case strings.HasPrefix(line, "@@ "):
			if len(patches) == 0 {
				return nil, fmt.Errorf("line %d: hunk before any +++ line", i+1)
			}
			start, err := hunkStart(line)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", i+1, err)
			}
			p := &patches[len(patches)-1]
			p.Hunks = append(p.Hunks, hunk{OldStart: start})
			cur = &p.Hunks[len(p.Hunks)-1]
		case cur == nil:
			return nil, fmt.Errorf("line %d: %q outside a hunk", i+1, line)
		case line[0] == ' ':
			cur.Old = append(cur.Old, line[1:])
			cur.New = append(cur.New, line[1:])
		case line[0] == '-':
			cur.Old = append(cur.Old, line[1:])
		case line[0] == '+':
			cur.New = append(cur.New, line[1:])
		case line[0] == '\\': // "\ No newline at end of file"
		default:
			return nil, fmt.Errorf("line %d: %q is not a diff line", i+1, line)
		}
	}
	return patches, nil
}

// hunkStart reads the old file's first line from "@@ -12,7 +12,9 @@".
func hunkStart(header string) (int, error) {
	f := strings.Fields(header)
	if len(f) < 3 || !strings.HasPrefix(f[1], "-") {
		return 0, fmt.Errorf("bad hunk header %q", header)
	}
	start, _, _ := strings.Cut(f[1][1:], ",")
	n, err := strconv.Atoi(start)
	if err != nil {
		return 0, fmt.Errorf("bad hunk header %q: %w", header, err)
	}
	return n, nil
}

// apply returns src with p's hunks applied. Each hunk must find its old
// lines exactly where it says: a solution that no longer fits the
// reference is an error to fix, not something to guess around. A deleted
// file must match in the same way, and comes back empty.
func (p filePatch) apply(src []byte) ([]byte, error) { return p.applyTo(src, false) }

// applyLoosely applies p to a learner's version of the file, in which
// other exercises may have moved lines: each hunk is looked for where it
// says and, failing that, anywhere after the previous hunk, at the
// nearest place where its old lines match exactly.
func (p filePatch) applyLoosely(src []byte) ([]byte, error) { return p.applyTo(src, true) }

func (p filePatch) applyTo(src []byte, loose bool) ([]byte, error) {
	lines := strings.SplitAfter(string(src), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	var out []string
	next := 0   // index in lines of the first line not yet copied
	offset := 0 // how far the hunks found so far were from where they said
	for _, h := range p.Hunks {
		want := h.OldStart - 1 + offset
		if len(h.Old) == 0 {
			want++ // a pure insertion comes after line OldStart
		}
		at := want
		if !h.matches(lines, at, next) {
			if !loose {
				return nil, fmt.Errorf("%s: the solution expects, at line %d:\n%s", p.Path, h.OldStart, strings.Join(h.Old, "\n"))
			}
			if at = h.nearest(lines, want, next); at < 0 {
				return nil, fmt.Errorf("%s: no place matches the solution's lines\n%s", p.Path, strings.Join(h.Old, "\n"))
			}
		}
		offset += at - want
		out = append(out, lines[next:at]...)
		for _, l := range h.New {
			out = append(out, l+"\n")
		}
		next = at + len(h.Old)
	}
	out = append(out, lines[next:]...)
	if p.Delete {
		if len(out) > 0 {
			return nil, fmt.Errorf("%s: the solution deletes the file, but it has lines the solution does not know", p.Path)
		}
		return nil, nil
	}
	return []byte(strings.Join(out, "")), nil
}

// matches reports whether h's old lines are lines[at:], at or after from.
func (h hunk) matches(lines []string, at, from int) bool {
	if at < from || at+len(h.Old) > len(lines) {
		return false
	}
	for i, want := range h.Old {
		if strings.TrimSuffix(lines[at+i], "\n") != want {
			return false
		}
	}
	return true
}

// nearest is the place, at or after from, closest to want where h's old
// lines match, or -1.
func (h hunk) nearest(lines []string, want, from int) int {
	for d := 0; d <= len(lines); d++ {
		for _, at := range []int{want - d, want + d} {
			if h.matches(lines, at, from) {
				return at
			}
		}
	}
	return -1
}

// reversed is p undone: each hunk's new lines become the lines to find.
// That a learner's file takes it loosely says the solution's changes are
// already in the file.
func (p filePatch) reversed() filePatch {
	r := filePatch{Path: p.Path}
	for _, h := range p.Hunks {
		r.Hunks = append(r.Hunks, hunk{OldStart: h.OldStart, Old: h.New, New: h.Old})
	}
	return r
}
