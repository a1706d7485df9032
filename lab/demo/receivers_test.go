package demo

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"bytestream/lab/shape"
)

func framed(msgs ...string) []byte {
	var b []byte
	for _, m := range msgs {
		b = AppendFramed(b, m)
	}
	return b
}

func TestFramedIsExactHoweverTheStreamIsCut(t *testing.T) {
	t.Parallel()
	for _, rule := range []string{"split=1", "split=3", "split=2-7", "split=64"} {
		r, _ := shape.ParseRule(rule)
		got, err := Framed(shape.NewReader(bytes.NewReader(framed(Messages...)), r, 1))
		if err != nil || !slices.Equal(got, Messages) {
			t.Errorf("with %s: Framed = %q, %v; want %q", rule, got, err, Messages)
		}
	}
}

func TestNaiveTakesEachReadAsAMessage(t *testing.T) {
	t.Parallel()
	r := shape.NewReader(strings.NewReader("hellohow are you?"), shape.Rule{SplitMin: 3, SplitMax: 3}, 1)
	got, err := Naive(r)
	want := []string{"hel", "loh", "ow ", "are", " yo", "u?"}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("Naive = %q, %v; want %q", got, err, want)
	}
}

func TestFramedRefusesAHugeLengthAndATruncatedMessage(t *testing.T) {
	t.Parallel()
	_, err := Framed(bytes.NewReader([]byte{0xff, 0xff, 0xff, 0xff}))
	if err == nil || !strings.Contains(err.Error(), "4294967295 bytes is over the limit") {
		t.Errorf("huge length: err = %v", err)
	}
	got, err := Framed(bytes.NewReader(framed("ok", "cut")[:8]))
	if !slices.Equal(got, []string{"ok"}) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated: got %q, %v; want [ok] and io.ErrUnexpectedEOF", got, err)
	}
}
