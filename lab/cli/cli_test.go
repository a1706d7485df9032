package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"bytestream/lab/shape"
)

func TestBadCommandLinesExitTwoWithOneLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{nil, "usage: lab COMMAND"},
		{[]string{"serve"}, `lab: unknown command "serve"`},
		{[]string{"proxy", "-up", "split=0-3"}, `lab proxy: -up: rule "split=0-3": split: min must be at least 1`},
		{[]string{"proxy", "-down", "coalesce=soon"}, `lab proxy: -down: rule "coalesce=soon": coalesce: "soon" is not a duration`},
		{[]string{"proxy", "-frames", "len2"}, `lab proxy: -frames: "len2" is not a framing`},
		{[]string{"proxy", "-color", "sometimes"}, `lab proxy: invalid value "sometimes" for flag -color: want auto, always or never`},
		{[]string{"proxy", "extra"}, `lab proxy: unexpected argument "extra" (flags only)`},
		{[]string{"demo", "now"}, `lab demo: unexpected argument "now"`},
		{[]string{"demo", "-fast"}, "lab demo: flag provided but not defined: -fast"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := run(tt.args, &stdout, &stderr)
		if code != 2 {
			t.Errorf("lab %q exited %d; want 2", tt.args, code)
		}
		if !strings.HasPrefix(stderr.String(), tt.want) {
			t.Errorf("lab %q said %q; want it to start with %q", tt.args, stderr.String(), tt.want)
		}
		if tt.args != nil && strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("lab %q wrote %q; want exactly one line", tt.args, stderr.String())
		}
	}
}

func TestHelpExitsZero(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help"}, {"proxy", "-h"}, {"demo", "-h"}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 0 {
			t.Errorf("lab %q exited %d; want 0", args, code)
		}
		if stdout.Len()+stderr.Len() == 0 {
			t.Errorf("lab %q printed nothing", args)
		}
	}
}

func TestProxyFlagsHaveSafeDefaults(t *testing.T) {
	t.Parallel()
	f, err := parseProxyFlags(nil, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if f.up != (shape.Rule{}) || f.down != (shape.Rule{}) || f.seedGiven || f.framing.String() != "off" {
		t.Errorf("defaults = %+v; want pass-through rules, no seed, no overlay", f)
	}
	f, err = parseProxyFlags([]string{"-up", "split=2-7", "-down", "delay=1ms", "-seed", "-5", "-frames", "len4"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if f.up.SplitMin != 2 || f.up.SplitMax != 7 || f.down.Delay != time.Millisecond || f.seed != -5 || !f.seedGiven || f.framing.String() != "len4" {
		t.Errorf("parsed %+v", f)
	}
}
