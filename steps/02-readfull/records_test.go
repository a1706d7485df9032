package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// records is what the client would send for messages, back to back.
func records(messages ...string) string {
	var b strings.Builder
	for _, m := range messages {
		b.Write(record(m))
	}
	return b.String()
}

// collect runs readRecords over r and returns the messages it delivered and
// its error. The bytes are copied because readRecords reuses its buffer.
func collect(r io.Reader) ([]string, error) {
	var got []string
	err := readRecords(r, func(msg []byte) { got = append(got, string(msg)) })
	return got, err
}

func TestReadRecordsDeliversWholeMessagesHoweverTheStreamIsCut(t *testing.T) {
	t.Parallel()
	stream := records("hello", "world")
	want := []string{"hello", "world"}
	readers := map[string]io.Reader{
		"both records in one read":      strings.NewReader(stream),
		"one byte per read":             iotest.OneByteReader(strings.NewReader(stream)),
		"half of each request per read": iotest.HalfReader(strings.NewReader(stream)),
	}
	for i := 1; i < len(stream); i++ {
		readers[fmt.Sprintf("split at byte %d", i)] = io.MultiReader(strings.NewReader(stream[:i]), strings.NewReader(stream[i:]))
	}
	for name, r := range readers {
		got, err := collect(r)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%s: got %q, %v; want %q", name, got, err, want)
		}
	}
}

func TestRecordCutsALongMessageAndPadsAShortOne(t *testing.T) {
	t.Parallel()
	long := "this message is longer than thirty-two bytes"
	got, err := collect(strings.NewReader(records(long, "hi")))
	want := []string{long[:recordSize], "hi"}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("got %q, %v; want %q", got, err, want)
	}
	// "hi" took a whole record: 2 bytes of message, 30 of padding.
	if n := len(record("hi")); n != recordSize {
		t.Errorf("record(\"hi\") is %d bytes, want %d", n, recordSize)
	}
}

func TestReadRecordsReportsARecordCutShort(t *testing.T) {
	t.Parallel()
	stream := records("hello", "world")
	got, err := collect(strings.NewReader(stream[:recordSize+5]))
	if !slices.Equal(got, []string{"hello"}) {
		t.Errorf("delivered %q before the cut, want [hello]", got)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), "got 5 of 32 bytes") {
		t.Errorf("err = %v, want io.ErrUnexpectedEOF saying 5 of 32 bytes arrived", err)
	}
}
