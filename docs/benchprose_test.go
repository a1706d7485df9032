package docs

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestBenchPageFiguresAreTheRecordedRuns keeps the figures docs/bench.md's
// prose quotes equal to the recorded runs it embeds (docs/bench*.txt, which
// `make bench-plot` rewrites). The tables drift with every recording by
// design; the sentences that read them do not, unless a test says so. After
// a new recording this test names each sentence to update, with the figure
// it should now give.
func TestBenchPageFiguresAreTheRecordedRuns(t *testing.T) {
	t.Parallel()
	page := strings.Join(strings.Fields(readFile(t, "bench.md")), " ")
	for _, c := range benchClaims(t) {
		if !strings.Contains(page, c.phrase) {
			t.Errorf("docs/bench.md should say %q, from docs/%s", c.phrase, c.source)
		}
	}
}

// claim is a phrase of the prose and the recorded run it comes from.
type claim struct{ source, phrase string }

// benchClaims computes, from the recorded runs, the phrases the prose
// should contain.
func benchClaims(t *testing.T) []claim {
	t.Helper()
	rows := throughputRows(t, readFile(t, "bench.txt"))
	sw16, pipe16 := rows["16 B stop-and-wait"], rows["16 B pipelined"]
	var cpuLow, cpuHigh float64 = math.Inf(1), math.Inf(-1)
	for _, size := range []string{"1 KiB", "4 KiB", "16 KiB", "64 KiB", "256 KiB", "1 MiB", "4 MiB", "16 MiB"} {
		cpu := ratio(t, rows[size+" pipelined"][4])
		cpuLow, cpuHigh = min(cpuLow, cpu), max(cpuHigh, cpu)
	}
	out := []claim{
		{"bench.txt", fmt.Sprintf("the run below managed %s frames/s (%s MiB/s) at 16 B", sw16[2], sw16[0])},
		{"bench.txt", fmt.Sprintf("a factor of %.0f at 16 B in the run below (%s against %s MiB/s)",
			number(t, pipe16[0])/number(t, sw16[0]), pipe16[0], sw16[0])},
		{"bench.txt", fmt.Sprintf("the 4 MiB row's %s and the 64 KiB row's %s", rows["4 MiB pipelined"][3], rows["64 KiB pipelined"][3])},
		{"bench.txt", fmt.Sprintf("the CPU ratio (%.2f× to %.2f× in this run)", cpuLow, cpuHigh)},
	}

	stall := readFile(t, "bench-stall.txt")
	closed := find(t, stall, `closed loop, \d+ round trips: p50 \S+, p99 (\S+), max (\S+)`)
	open := find(t, stall, `open loop, \d+ requests: p50 \S+, p99 (\S+), max \S+`)
	out = append(out,
		claim{"bench-stall.txt", fmt.Sprintf("its max is %.1f ms", ms(duration(t, closed[2])))},
		claim{"bench-stall.txt", fmt.Sprintf("its p99 is %.0f µs", us(duration(t, closed[1])))},
		claim{"bench-stall.txt", fmt.Sprintf("its p99 is %.0f ms", ms(duration(t, open[1])))},
	)

	rate := readFile(t, "bench-rate.txt")
	framed := strings.Fields(find(t, rate, `(?m)^  framed .*$`)[0])
	closedLoop := strings.Fields(find(t, rate, `(?m)^  closed loop +\d.*$`)[0])
	lag := find(t, rate, `schedule lag, framed sender: p50 \S+, p99 (\S+),`)
	out = append(out,
		claim{"bench-rate.txt", fmt.Sprintf("the closed loop says p99 %.0f µs, the open loop p99 %.0f ms",
			us(duration(t, closedLoop[5])), ms(duration(t, framed[5])))},
		claim{"bench-rate.txt", fmt.Sprintf("its p99 (%.1f ms)", ms(duration(t, lag[1])))},
		claim{"bench-rate.txt", fmt.Sprintf("(the %.0f µs above)", us(duration(t, framed[3])))},
	)

	one, sixteen := readFile(t, "bench-sweep.txt"), readFile(t, "bench-sweep16.txt")
	sustained1 := number(t, find(t, one, `sustained: framed (\S+) requests/s`)[1])
	sustained16 := number(t, find(t, sixteen, `sustained: framed (\S+) requests/s`)[1])
	full := strings.Fields(find(t, one, `(?m)^ +100% .*$`)[0])
	most := strings.Fields(find(t, one, `(?m)^ +75% .*$`)[0])
	low := strings.Fields(find(t, one, `(?m)^ +10% .*$`)[0])
	knee := find(t, one, `framed: p99 stays within (\S+) up to (\S+) requests/s`)
	knee16 := find(t, sixteen, `framed: p99 stays within \S+ up to (\S+) requests/s`)
	out = append(out,
		claim{"bench-sweep.txt", fmt.Sprintf("%.2f million PINGs a second, yet the 100%% point achieved %.1f million and the 75%% point %.1f million",
			sustained1/1e6, number(t, full[2])/1e6, number(t, most[2])/1e6)},
		claim{"bench-sweep.txt", fmt.Sprintf("Even at 10%% the p99 was %s, the machine's stalls rather than the server's queue (the raw echo's %.0f ms",
			spaced(low[5]), ms(duration(t, low[9])))},
		claim{"bench-sweep.txt", fmt.Sprintf("(\"within %s up to %s requests/s\")", spaced(knee[1]), knee[2])},
		claim{"bench-sweep16.txt", fmt.Sprintf("sustained %.2f million PINGs a second over 16 connections against %.2f million over one, and its knee came at %s",
			sustained16/1e6, sustained1/1e6, thousands(number(t, knee16[1])))},
		claim{"bench-sweep16.txt", fmt.Sprintf("where this pair had %.2f", sustained16/sustained1)},
	)
	return out
}

// throughputRows reads the throughput table of a bench report: for each
// "SIZE MODE" ("16 B pipelined"), its columns from payload MiB/s on.
func throughputRows(t *testing.T, report string) map[string][]string {
	t.Helper()
	sizeRE := regexp.MustCompile(`^  (\d+ [KMG]?i?B) +(.*)$`)
	out := make(map[string][]string)
	size := ""
	for l := range strings.Lines(report) {
		l = strings.TrimRight(l, "\n")
		if m := sizeRE.FindStringSubmatch(l); m != nil {
			size, l = m[1], m[2]
		} else if size == "" || !strings.HasPrefix(l, "            ") {
			continue
		}
		f := strings.Fields(strings.Replace(l, "raw TCP", "raw", 1))
		if len(f) > 1 {
			out[size+" "+f[0]] = f[1:]
		}
	}
	if len(out) == 0 {
		t.Fatal("docs/bench.txt has no throughput rows")
	}
	return out
}

// find returns the first match of re in text and its groups, or fails.
func find(t *testing.T, text, re string) []string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no line matching %s in a recorded bench run", re)
	}
	return m
}

// number parses "2,960,410" or "53.3".
func number(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if err != nil {
		t.Fatalf("a recorded figure %q is not a number", s)
	}
	return f
}

// ratio parses "0.81×".
func ratio(t *testing.T, s string) float64 { return number(t, strings.TrimSuffix(s, "×")) }

func duration(t *testing.T, s string) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatalf("a recorded time %q: %v", s, err)
	}
	return d
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// spaced writes a recorded "109ms" the way prose does, "109 ms".
func spaced(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return r != '.' && (r < '0' || r > '9') })
	return s[:i] + " " + s[i:]
}

// thousands rounds to the nearest thousand and writes it with a comma,
// 176,852 as "177,000".
func thousands(f float64) string {
	k := int(math.Round(f / 1000))
	if k < 1000 {
		return fmt.Sprintf("%d,000", k)
	}
	return fmt.Sprintf("%d,%03d,000", k/1000, k%1000)
}
