package docs

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestChapter05QuotesItsRecordedRuns keeps the figures chapter 05's prose
// reads off its two recorded runs (the run.txt sections of measure.txtar
// and lab.txtar, which the chapter embeds) equal to them. The scripts mask
// every figure, since a new run gives new ones; when someone records a new
// run into a script, this test names the sentences that still quote the
// old one.
func TestChapter05QuotesItsRecordedRuns(t *testing.T) {
	t.Parallel()
	chapter := strings.Join(strings.Fields(readFile(t, "05-bench.md")), " ")
	scripts := filepath.Join("..", "testdata", "steps", "05-bench")

	measure := recordedRun(t, filepath.Join(scripts, "measure.txtar"))
	summary := find(t, measure, `min \S+ p50 (\S+) p90 \S+ p99 (\S+) max (\S+)`)
	mean := find(t, measure, `mean (\S+): \+(\d+)% from the median`)
	claims := []string{
		fmt.Sprintf("the median is %s", spaced(summary[1])),
		fmt.Sprintf("p99 is %.0f µs", us(duration(t, summary[2]))),
		fmt.Sprintf("the slowest round trip took %.1f ms", ms(duration(t, summary[3]))),
		fmt.Sprintf("The mean, %s, describes no round trip at all.** It is %s%% above", spaced(mean[1]), mean[2]),
	}

	lab := recordedRun(t, filepath.Join(scripts, "lab.txtar"))
	row := find(t, lab, `1 KiB +(\S+) MiB/s +(\d+) frames/s +\S+ MiB/s +(\d+) frames/s`)
	claims = append(claims,
		fmt.Sprintf("Stop-and-wait fell to %s frames a second at 1 KiB", row[2]),
		fmt.Sprintf("1 KiB frames now move %s MiB/s", row[1]),
		fmt.Sprintf("still did %s a second", thousandsComma(row[3])),
	)
	for _, c := range claims {
		if !strings.Contains(chapter, c) {
			t.Errorf("docs/05-bench.md should say %q, from the recorded run it shows", c)
		}
	}
}

// recordedRun returns the run.txt section of a testscript archive.
func recordedRun(t *testing.T, path string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)\n-- run\.txt --\n(.*?)(\n-- |$)`).FindStringSubmatch(readFile(t, path))
	if m == nil {
		t.Fatalf("%s has no run.txt section", path)
	}
	return strings.Join(strings.Fields(m[1]), " ")
}

// thousandsComma writes "30404" as "30,404".
func thousandsComma(digits string) string {
	for i := len(digits) - 3; i > 0; i -= 3 {
		digits = digits[:i] + "," + digits[i:]
	}
	return digits
}

// TestChapter06QuotesItsRecordedLog does the same for chapter 06's reading
// of the server log recorded from its lab (server.log in lab.txtar, which
// masks how far the slow frame got).
func TestChapter06QuotesItsRecordedLog(t *testing.T) {
	t.Parallel()
	chapter := strings.Join(strings.Fields(readFile(t, "06-teardown.md")), " ")
	log := readFile(t, filepath.Join("..", "testdata", "steps", "06-teardown", "lab.txtar"))
	got := find(t, log, `TEXT frame: (\d+) of (\d+) payload bytes`)
	var n, of int
	fmt.Sscan(got[1], &n)
	fmt.Sscan(got[2], &of)
	claim := fmt.Sprintf("the slowloris got %d bytes through — the 5-byte header and %d of its %d payload bytes", 5+n, n, of)
	if !strings.Contains(chapter, claim) {
		t.Errorf("docs/06-teardown.md should say %q, from the recorded log it shows", claim)
	}
}
