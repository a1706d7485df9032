package proxy

import (
	"strings"
	"sync"
	"testing"
)

// writes records each Write separately, to check one write per line.
type writes struct {
	mu  sync.Mutex
	all []string
}

func (w *writes) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.all = append(w.all, string(p))
	return len(p), nil
}

// String is everything written so far, for a test that reads the log
// while the proxy's goroutines still write to it.
func (w *writes) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.all, "")
}

func TestChunkLineShowsSizePiecesAndPreview(t *testing.T) {
	t.Parallel()
	var w writes
	l := NewLogger(&w, LogOptions{})
	p := newFrameParser(FramingV1)
	var found []Frame
	feedEach(p, v1(1, "hello"), []int{3, 3, 3, 1}, func(_ int64, _ []byte, f []Frame) {
		found = append(found, f...)
	})
	l.lines(Up, l.chunkLines("[0] c→s", []byte(v1(1, "hello")), 1, []int{3, 3, 3, 1}, "", found)...)
	want := []string{
		"[0] c→s read 10B → 3|3|3|1  \"\\x00\\x00\\x00\\x05\\x01hello\"\n",
		"    frame 1 TEXT 5B \"hello\" straddles pieces 1–4 (bytes 3+3+3+1, header 3+2)\n",
	}
	if strings.Join(w.all, "") != strings.Join(want, "") || len(w.all) != len(want) {
		t.Fatalf("writes = %q; want %q, one write per line", w.all, want)
	}
}

func TestHexDumpReplacesThePreview(t *testing.T) {
	t.Parallel()
	var w writes
	l := NewLogger(&w, LogOptions{Hex: true})
	l.lines(Down, l.chunkLines("[0] s→c", []byte("hi\x00"), 1, []int{3}, "", nil)...)
	if len(w.all) != 2 || w.all[0] != "[0] s→c read 3B → 3\n" || !strings.Contains(w.all[1], "68 69 00") {
		t.Fatalf("writes = %q; want the chunk line, then a hex dump line", w.all)
	}
}

func TestColourMarksEachDirection(t *testing.T) {
	t.Parallel()
	var w writes
	l := NewLogger(&w, LogOptions{Color: true})
	l.lines(Up, "up")
	l.lines(Down, "down")
	if len(w.all) != 2 || !strings.HasPrefix(w.all[0], "\x1b[31m") || !strings.HasPrefix(w.all[1], "\x1b[34m") {
		t.Fatalf("writes = %q; want red for c→s, blue for s→c", w.all)
	}
	var plain writes
	NewLogger(&plain, LogOptions{}).lines(Up, "up")
	if strings.Contains(plain.all[0], "\x1b") {
		t.Fatalf("uncoloured logger wrote %q", plain.all[0])
	}
}

func TestLongPieceListsAreCut(t *testing.T) {
	t.Parallel()
	l := NewLogger(&writes{}, LogOptions{})
	sizes := make([]int, 105)
	for i := range sizes {
		sizes[i] = 1
	}
	line := l.chunkLines("[0] c→s", make([]byte, 105), 1, sizes, "", nil)[0]
	if want := "→ " + strings.Repeat("1|", 32) + "…(105)  "; !strings.Contains(line, want) {
		t.Fatalf("chunk line %q lacks %q", line, want)
	}
}

// The log shows bytes that are not printable ASCII in hex: Go's escapes
// would show an ACK's length 8 as "\b" and its total 10 as "\n", which read
// like a backspace and a newline.
func TestPreviewShowsNumbersInHexNotAsControlCharacters(t *testing.T) {
	t.Parallel()
	ack := []byte("\x00\x00\x00\x08\x05\x00\x00\x00\x00\x00\x00\x00\x0a")
	want := `"\x00\x00\x00\x08\x05\x00\x00\x00\x00\x00\x00\x00\x0a"`
	if got := quote(ack, false); got != want {
		t.Errorf("quote(ACK 10) = %s; want %s", got, want)
	}
	for in, want := range map[string]string{
		`say "hi"\n`:    `"say \"hi\"\\n"`,
		"\xc3\xa9t\xc3": `"\xc3\xa9t\xc3"`, // a piece may end inside a UTF-8 sequence
		"\x7f\xff":      `"\x7f\xff"`,
	} {
		if got := quote([]byte(in), false); got != want {
			t.Errorf("quote(%q) = %s; want %s", in, got, want)
		}
	}
}
