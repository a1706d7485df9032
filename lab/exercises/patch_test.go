package exercises

import (
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/diff"
)

// lines joins numbered lines "1" to "n", one a line, with extra lines
// inserted before line at.
func lines(n, at int, extra ...string) []byte {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if i == at {
			for _, e := range extra {
				b.WriteString(e + "\n")
			}
		}
		b.WriteString(string(rune('a'+i-1)) + "\n")
	}
	return []byte(b.String())
}

func TestAPatchAppliesExactlyToWhatItWasMadeFrom(t *testing.T) {
	t.Parallel()
	ref := lines(20, 0)
	solved := []byte(strings.Replace(string(ref), "j\n", "J\n", 1))
	patches, err := parsePatch(diff.Diff("f.go", ref, "f.go", solved))
	if err != nil || len(patches) != 1 {
		t.Fatalf("parsePatch: %v, %d patches", err, len(patches))
	}
	got, err := patches[0].apply(ref)
	if err != nil || string(got) != string(solved) {
		t.Fatalf("apply = %q, %v; want the solved text", got, err)
	}

	// A learner's file with two lines added above the change: the exact
	// apply refuses, the loose one finds the hunk two lines down.
	mine := lines(20, 3, "x", "y")
	if _, err := patches[0].apply(mine); err == nil {
		t.Error("apply to a moved file: no error, want one")
	}
	got, err = patches[0].applyLoosely(mine)
	want := strings.Replace(string(mine), "j\n", "J\n", 1)
	if err != nil || string(got) != want {
		t.Errorf("applyLoosely = %q, %v; want %q", got, err, want)
	}

	// A learner who changed the very line the solution changes: no place
	// fits, and the error says which lines were looked for.
	if _, err := patches[0].applyLoosely([]byte(strings.Replace(string(ref), "j\n", "z\n", 1))); err == nil || !strings.Contains(err.Error(), "no place matches") {
		t.Errorf("applyLoosely over a changed line: %v, want no place matches", err)
	}
}

func TestAPatchThatDeletesAFileLeavesNothing(t *testing.T) {
	t.Parallel()
	ref := lines(5, 0)
	patches, err := parsePatch([]byte("--- steps/x/f_test.go\n+++ /dev/null\n@@ -1,5 +0,0 @@\n-a\n-b\n-c\n-d\n-e\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p := patches[0]; !p.Delete || p.Path != "steps/x/f_test.go" {
		t.Fatalf("parsed %+v, want a deletion of steps/x/f_test.go", p)
	}
	if got, err := patches[0].apply(ref); err != nil || got != nil {
		t.Errorf("apply = %q, %v; want nil, nil", got, err)
	}
	if _, err := patches[0].apply(lines(6, 0)); err == nil {
		t.Error("deleting a file with a line the patch does not know: no error, want one")
	}
}
