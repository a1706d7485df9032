package docs

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeSpeedClaimIsTheRecordedRun keeps README's "How fast" honest:
// the figures it gives must be the ones in docs/bench.txt, the run that
// `make bench-plot` records. Re-record the bench and this test says which
// figures of README to update.
func TestReadmeSpeedClaimIsTheRecordedRun(t *testing.T) {
	t.Parallel()
	bench := readFile(t, "bench.txt")
	readme := readFile(t, filepath.Join("..", "README.md"))

	// Throughput: README's table row against the "vs raw" column, size by size.
	recorded := vsRawBySize(bench)
	if len(recorded) == 0 {
		t.Fatal("docs/bench.txt has no pipelined rows with a \"vs raw\" figure")
	}
	sizes, ratios := readmeTable(t, readme)
	if len(sizes) != len(recorded) {
		t.Errorf("README's table has %d sizes, docs/bench.txt %d", len(sizes), len(recorded))
	}
	for i, size := range sizes {
		if want, ok := recorded[size]; !ok {
			t.Errorf("README gives %s for %s, a size docs/bench.txt does not have", ratios[i], size)
		} else if ratios[i] != want {
			t.Errorf("README gives %s for %s; docs/bench.txt has %s", ratios[i], size, want)
		}
	}

	// Latency: the framed/raw line of the recorded run.
	m := regexp.MustCompile(`(?m)^\s+framed/raw\s+(\S+×)\s+(\S+×)`).FindStringSubmatch(bench)
	if m == nil {
		t.Fatal("docs/bench.txt has no framed/raw latency line")
	}
	claim := "framed/raw is " + m[1] + " at the median and " + m[2] + " at p99"
	if !strings.Contains(strings.Join(strings.Fields(readme), " "), claim) {
		t.Errorf("README should say %q, from docs/bench.txt", claim)
	}
}

// vsRawBySize reads the "vs raw" figure of each pipelined row of the bench
// report, by payload size ("16 B", "1 KiB").
func vsRawBySize(bench string) map[string]string {
	row := regexp.MustCompile(`(?m)^  (\d+ [KMG]?i?B)\s+stop-and-wait.*\n\s+pipelined.*\s(\d+\.\d+×)$`)
	out := make(map[string]string)
	for _, m := range row.FindAllStringSubmatch(bench, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// readmeTable reads README's "| payload | ..." and "| vs raw | ..." rows.
func readmeTable(t *testing.T, readme string) (sizes, ratios []string) {
	t.Helper()
	cells := func(prefix string) []string {
		for l := range strings.Lines(readme) {
			if strings.HasPrefix(l, prefix) {
				var out []string
				for _, c := range strings.Split(strings.Trim(strings.TrimSpace(l), "|"), "|")[1:] {
					out = append(out, strings.TrimSpace(c))
				}
				return out
			}
		}
		t.Fatalf("README has no table row starting %q", prefix)
		return nil
	}
	sizes, ratios = cells("| payload "), cells("| vs raw ")
	if len(sizes) != len(ratios) {
		t.Fatalf("README's table has %d sizes and %d figures", len(sizes), len(ratios))
	}
	return sizes, ratios
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
