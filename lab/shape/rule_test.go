package shape

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseRuleAcceptsTheGrammar(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		in   string
		want Rule
	}{
		{"", Rule{}},
		{"none", Rule{}},
		{"split=3", Rule{SplitMin: 3, SplitMax: 3, Gap: DefaultGap}},
		{"split=2-7,gap=5ms", Rule{SplitMin: 2, SplitMax: 7, Gap: 5 * ms}},
		{"split=1, gap=0", Rule{SplitMin: 1, SplitMax: 1}},
		{"split=4-4", Rule{SplitMin: 4, SplitMax: 4, Gap: DefaultGap}},
		{"split=0", Rule{Gap: 0}},
		{"coalesce=50ms", Rule{Coalesce: 50 * ms}},
		{"delay=1ms", Rule{Delay: ms}},
		{"delay=0", Rule{}},
		{"gap=3ms,split=2", Rule{SplitMin: 2, SplitMax: 2, Gap: 3 * ms}},
		{"split=2,coalesce=10ms,delay=1s", Rule{SplitMin: 2, SplitMax: 2, Gap: DefaultGap, Coalesce: 10 * ms, Delay: time.Second}},
	}
	for _, tt := range tests {
		got, err := ParseRule(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseRule(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseRuleNamesTheBadSetting(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, wantErr string }{
		{"split", `setting "split" has no value`},
		{"split=x", `split: "x" is not a whole number`},
		{"split=-1", "split: -1 is negative"},
		{"split=3-1", "split: min 3 is larger than max 1"},
		{"split=0-4", "split: min must be at least 1"},
		{"split=2-", `split: "" is not a whole number`},
		{"split=99999999999", "more than the limit"},
		{"gap=fast", `gap: "fast" is not a duration`},
		{"gap=-1ms", "gap: -1ms is negative"},
		{"coalesce=5", `coalesce: "5" has no unit (want e.g. 5ms or 5s)`},
		{"split=99999999999999999999", `split: 99999999999999999999 bytes is more than the limit 1073741824`},
		{"delay=1ms,delay=2ms", "delay is given twice"},
		{"slice=3", `unknown setting "slice"`},
		{"split=3,,gap=1ms", `setting "" has no value`},
	}
	for _, tt := range tests {
		_, err := ParseRule(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("ParseRule(%q) error = %v; want one containing %q", tt.in, err, tt.wantErr)
			continue
		}
		if !strings.Contains(err.Error(), tt.in) {
			t.Errorf("ParseRule(%q) error %q does not quote the rule", tt.in, err)
		}
	}
}

func TestRuleStringParsesBackToTheSameRule(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"none", "split=3,gap=2ms", "split=2-7,gap=5ms,coalesce=50ms,delay=1ms", "split=1"} {
		r, err := ParseRule(in)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseRule(r.String())
		if err != nil || back != r {
			t.Errorf("ParseRule(%q).String() = %q parses to %+v, %v; want %+v", in, r.String(), back, err, r)
		}
	}
}

func TestCutterRepeatsForTheSameSeed(t *testing.T) {
	t.Parallel()
	rule := Rule{SplitMin: 2, SplitMax: 7}
	a, b, other := NewCutter(rule, 42), NewCutter(rule, 42), NewCutter(rule, 43)
	same, differs := true, false
	for range 100 {
		x, y, z := a.Next(), b.Next(), other.Next()
		if x < 2 || x > 7 {
			t.Fatalf("piece size %d outside [2, 7]", x)
		}
		same = same && x == y
		differs = differs || x != z
	}
	if !same {
		t.Error("two cutters with seed 42 gave different sizes")
	}
	if !differs {
		t.Error("seeds 42 and 43 gave the same 100 sizes")
	}
}

func TestCutterCutSumsToTheChunk(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rule Rule
		n    int
		want []int
	}{
		{Rule{SplitMin: 3, SplitMax: 3}, 10, []int{3, 3, 3, 1}},
		{Rule{}, 10, []int{10}},
		{Rule{SplitMin: 1, SplitMax: 1}, 3, []int{1, 1, 1}},
		{Rule{SplitMin: 3, SplitMax: 3}, 0, nil},
	}
	for _, tt := range tests {
		got := NewCutter(tt.rule, 1).Cut(tt.n)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Cut(%d) with %v = %v; want %v", tt.n, tt.rule, got, tt.want)
		}
	}
}
