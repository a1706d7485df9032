package exercises

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// A course is the repository the learner works in.
type course struct {
	root      string // the folder holding go.mod
	exercises []*Exercise
}

// findRoot walks up from dir to the folder whose go.mod declares module
// bytestream, so that the command works from anywhere in the repository.
func findRoot(dir string) (string, error) {
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(string(data), "module bytestream\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the ByteStream repository (no go.mod with module bytestream above this folder)")
		}
		dir = parent
	}
}

// reference is the step folder as the course ships it, relative to the root.
func reference(step string) string { return filepath.Join("steps", step) }

// workspace is the learner's copy of step, relative to the root. The leading
// "_" keeps it out of ./..., so `make test` never builds or tests it.
func workspace(step string) string { return filepath.Join("steps", "_my-"+step) }

// ensureWorkspace copies the step into the learner's workspace unless the
// copy exists, and says so when it makes one.
func (c *course) ensureWorkspace(step string, say func(format string, args ...any)) error {
	dir := filepath.Join(c.root, workspace(step))
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files, err := c.referenceFiles(step)
	if err != nil {
		return err
	}
	for _, name := range files {
		if _, err := c.restore(step, name); err != nil {
			return err
		}
	}
	say("made %s, your copy of %s: do the exercises there, and run it with `go run ./%s server`\n",
		workspace(step), reference(step), filepath.ToSlash(workspace(step)))
	return nil
}

// referenceFiles lists the files of the reference step folder.
func (c *course) referenceFiles(step string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(c.root, reference(step)))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// restore puts the reference version of one file into the workspace. A
// learner's version that differs is kept beside it as NAME.mine, which the
// go tool ignores; restore returns that name, or "" when nothing was kept.
func (c *course) restore(step, name string) (kept string, err error) {
	ref, err := os.ReadFile(filepath.Join(c.root, reference(step), name))
	if err != nil {
		return "", err
	}
	dst := filepath.Join(c.root, workspace(step), name)
	mine, err := os.ReadFile(dst)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return "", err
	case bytes.Equal(mine, ref):
		return "", nil
	default:
		kept = dst + ".mine"
		if err := os.WriteFile(kept, mine, 0o644); err != nil {
			return "", err
		}
	}
	return kept, os.WriteFile(dst, ref, 0o644)
}

// changed reports whether any of files differs between the reference and
// the workspace: whether the learner has started on them.
func (c *course) changed(step string, files []string) bool {
	for _, name := range files {
		ref, err1 := os.ReadFile(filepath.Join(c.root, reference(step), name))
		mine, err2 := os.ReadFile(filepath.Join(c.root, workspace(step), name))
		if err1 != nil || err2 != nil || !bytes.Equal(ref, mine) {
			return true
		}
	}
	return false
}

// hasWorkspace reports whether the learner has a copy of step.
func (c *course) hasWorkspace(step string) bool {
	_, err := os.Stat(filepath.Join(c.root, workspace(step)))
	return err == nil
}

// solved returns the solution's version of each file the exercise
// changes: the reference with the solution's patch applied. A file the
// solution deletes maps to nil.
func (c *course) solved(e *Exercise) (map[string][]byte, error) {
	patches, err := parsePatch(e.Patch)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte)
	for _, p := range patches {
		src, err := os.ReadFile(filepath.Join(c.root, filepath.FromSlash(p.Path)))
		if err != nil {
			return nil, err
		}
		if out[path.Base(p.Path)], err = p.apply(src); err != nil {
			return nil, fmt.Errorf("solution %s: %w", e.ID, err)
		}
	}
	return out, nil
}

// solvedOnto returns the learner's version of each file the exercise
// changes, with the solution applied to it: what -apply writes. Other
// exercises' work in the same files stays. It fails where the learner has
// changed the lines the solution changes.
func (c *course) solvedOnto(e *Exercise) (map[string][]byte, error) {
	patches, err := parsePatch(e.Patch)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte)
	for _, p := range patches {
		name := path.Base(p.Path)
		mine, err := os.ReadFile(filepath.Join(c.root, workspace(e.Step), name))
		if errors.Is(err, fs.ErrNotExist) && p.Delete {
			continue // deleted already
		}
		if err != nil {
			return nil, err
		}
		if out[name], err = p.applyLoosely(mine); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// hasSolution reports whether the learner's copy of file already holds
// every change e's solution makes to it, whatever else it holds.
func (c *course) hasSolution(e *Exercise, file string, mine []byte) bool {
	patches, err := parsePatch(e.Patch)
	if err != nil {
		return false
	}
	for _, p := range patches {
		if path.Base(p.Path) == file && !p.Delete {
			_, err := p.reversed().applyLoosely(mine)
			return err == nil
		}
	}
	return false
}
