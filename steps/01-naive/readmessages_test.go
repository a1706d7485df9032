package main

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// collect runs readMessages over r and returns every message it delivered.
// The bytes are copied because readMessages reuses its buffer.
func collect(t *testing.T, r io.Reader) []string {
	t.Helper()
	var got []string
	if err := readMessages(r, func(msg []byte) { got = append(got, string(msg)) }); err != nil {
		t.Fatalf("readMessages: %v", err)
	}
	return got
}

func TestReadMessagesTakesEachReadForAMessage(t *testing.T) {
	t.Parallel()
	// One Read that returns everything: the loop looks correct.
	if got := collect(t, strings.NewReader("hello")); !slices.Equal(got, []string{"hello"}) {
		t.Errorf("whole read: got %q, want [hello]", got)
	}
	// The same bytes, one per Read: five "messages".
	got := collect(t, iotest.OneByteReader(strings.NewReader("hello")))
	if want := []string{"h", "e", "l", "l", "o"}; !slices.Equal(got, want) {
		t.Errorf("one byte per read: got %q, want %q", got, want)
	}
}

func TestReadMessagesSplitsAMessageAtEverySplitPoint(t *testing.T) {
	t.Parallel()
	const msg = "hello"
	for i := 1; i < len(msg); i++ {
		// io.MultiReader returns what each reader holds with separate
		// Reads, just as a socket does when the bytes arrive in two
		// segments.
		r := io.MultiReader(strings.NewReader(msg[:i]), strings.NewReader(msg[i:]))
		got := collect(t, r)
		if want := []string{msg[:i], msg[i:]}; !slices.Equal(got, want) {
			t.Errorf("split at %d: got %q, want %q", i, got, want)
		}
	}
}

func TestReadMessagesMergesTwoMessagesInOneRead(t *testing.T) {
	t.Parallel()
	// The client wrote "hello" and then "world"; the bytes arrived
	// together, so one Read returns both.
	got := collect(t, strings.NewReader("helloworld"))
	if want := []string{"helloworld"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestReadMessagesKeepsBytesThatComeWithAnError(t *testing.T) {
	t.Parallel()
	// DataErrReader returns the last bytes together with io.EOF, which
	// io.Reader allows; a loop that checks err first would lose them.
	got := collect(t, iotest.DataErrReader(strings.NewReader("bye")))
	if want := []string{"bye"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestReadMessagesReportsAReadError(t *testing.T) {
	t.Parallel()
	r := iotest.ErrReader(iotest.ErrTimeout)
	err := readMessages(r, func([]byte) {})
	if !errors.Is(err, iotest.ErrTimeout) {
		t.Fatalf("err = %v, want one wrapping %v", err, iotest.ErrTimeout)
	}
}
