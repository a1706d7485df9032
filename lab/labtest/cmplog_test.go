package labtest

import (
	"regexp"
	"testing"
)

func TestReduceKeepsDropsMasksAndCollapsesSpaces(t *testing.T) {
	t.Parallel()
	f := &cmpLog{
		keep:  regexp.MustCompile(`c→s`),
		drop:  regexp.MustCompile(`EOF`),
		masks: []*regexp.Regexp{regexp.MustCompile(`\+\d+\.\d+s`), regexp.MustCompile(`in \d+ reads?`)},
	}
	recorded := "lab proxy: listening\n[0] +0.001s c→s read 10B →  10  \"helloworld\"\n[0] +0.002s c→s EOF: half-close forwarded\n[0] +0.020s c→s closed: 10B in 2 reads, 1 piece\n"
	fresh := "lab proxy: listening elsewhere\n[0] +1.500s c→s read 10B → 10 \"helloworld\"\n[0] +1.501s c→s closed: 10B in 1 read, 1 piece\n"
	a, b := f.reduce(recorded), f.reduce(fresh)
	if a != b {
		t.Fatalf("the two runs reduce differently:\n%s\n%s", a, b)
	}
	want := "[0] … c→s read 10B → 10 \"helloworld\"\n[0] … c→s closed: 10B …, 1 piece\n"
	if a != want {
		t.Errorf("reduced to\n%s\nwant\n%s", a, want)
	}
	drifted := "[0] +0.001s c→s read 10B → 10  \"helloworld\"\n[0] +0.020s c→s closed: 10B in 2 reads, 2 pieces\n"
	if f.reduce(drifted) == a {
		t.Error("a log with another piece count reduces like the recorded one")
	}
}

func TestParseCmpLogRefusesWhatItCannotUse(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"stderr"},
		{"-keep"},
		{"-mask", "(", "stderr", "want"},
		{"-grep", "x", "stderr", "want"},
	} {
		if _, err := parseCmpLog(args); err == nil {
			t.Errorf("parseCmpLog(%q) accepted it", args)
		}
	}
}
