package exercises

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A bad command line exits 2, as everywhere in the workbook, and changes
// nothing: in particular it makes no copy of a step.
func TestABadCommandLineExitsTwoAndMakesNoCopy(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module bytestream\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"hints"},
		{"list", "-watch"},
		{"list", "03.1"},
		{"next", "03.1"},
		{"check"},
		{"check", "9.9"},
		{"check", "03.3"}, // a question, with no test
		{"hint", "9.9"},
		{"hint", "03.1", "4"},
		{"hint", "03.1", "zero"},
		{"hint", "03.1", "1", "2"},
		{"solution"},
		{"solution", "9.9"},
		{"reset"},
		{"reset", "07"},
		{"reset", "9.9"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stdout, stderr strings.Builder
			if code := mainIn(root, args, strings.NewReader(""), &stdout, &stderr); code != 2 {
				t.Errorf("exit status %d, want 2; stderr:\n%s", code, stderr.String())
			}
			if !strings.HasPrefix(stderr.String(), "lab exercises") {
				t.Errorf("stderr does not say what went wrong:\n%s", stderr.String())
			}
			copies, _ := filepath.Glob(filepath.Join(root, "steps", "_my-*"))
			if len(copies) > 0 {
				t.Errorf("made %v", copies)
			}
		})
	}
}
