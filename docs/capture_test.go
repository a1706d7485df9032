package docs

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"bytestream/final/frame"
)

// segment is one line of a tshark capture taken with the fields docs/lab.md
// asks for: time, source port, destination port, payload length, flags and
// payload in hex.
type segment struct {
	at       time.Duration
	src, dst string
	payload  []byte
}

// TestTheTsharkCaptureIsTheSplitSession keeps the capture docs/lab.md shows
// true to the session it says it is. The capture was taken by hand (tshark
// needs root), so no script can rerun it; instead this test reads it as
// the protocol would: the client's TEXT "hello" reaches the server one byte
// per segment, the pieces at least the proxy's default 2 ms gap apart, and
// the ACK of 5 comes back as one 13-byte segment. It also checks the figures
// the prose takes from it. A change to the frame format or to the proxy's
// default gap makes the capture stale, and this test says so.
func TestTheTsharkCaptureIsTheSplitSession(t *testing.T) {
	t.Parallel()
	segments := readCapture(t, filepath.Join("..", "testdata", "lab", "tshark-split1.log"))
	const server = "9000"
	var up, down [][]byte
	var upTimes []time.Duration
	proxyPort := ""
	for _, s := range segments {
		if s.dst == server {
			proxyPort = s.src
		}
		switch {
		case len(s.payload) == 0:
		case s.dst == server:
			up = append(up, s.payload)
			upTimes = append(upTimes, s.at)
		default:
			down = append(down, s.payload)
		}
	}

	hello := frame.AppendFrame(nil, frame.Text, []byte("hello"))
	if len(up) != len(hello) || !bytes.Equal(bytes.Join(up, nil), hello) {
		t.Errorf("the proxy sent %x in %d segments; want TEXT \"hello\", %x, one byte per segment", up, len(up), hello)
	}
	total := binary.BigEndian.AppendUint64(nil, 5)
	if ack := frame.AppendFrame(nil, frame.Ack, total); len(down) != 1 || !bytes.Equal(down[0], ack) {
		t.Errorf("the server sent %x; want ACK 5, %x, in one segment", down, ack)
	}

	gaps := make([]time.Duration, 0, len(upTimes))
	for i := 1; i < len(upTimes); i++ {
		gaps = append(gaps, upTimes[i]-upTimes[i-1])
	}
	if len(gaps) == 0 {
		t.Fatal("the capture has fewer than two segments from the proxy")
	}
	least, most := minMax(gaps)
	if least < 2*time.Millisecond {
		t.Errorf("two of the proxy's pieces left %v apart, under the default 2ms gap", least)
	}

	// What docs/lab.md says about this capture.
	lab := readFile(t, "lab.md")
	for _, claim := range []string{
		fmt.Sprintf("the proxy's side of the connection is port %s", proxyPort),
		fmt.Sprintf("here %.1f to %.0f ms", ms(least), ms(most)),
		fmt.Sprintf("Then %s segments of one", spelled(len(up))),
	} {
		if !strings.Contains(strings.Join(strings.Fields(lab), " "), claim) {
			t.Errorf("docs/lab.md should say %q, from the capture it shows", claim)
		}
	}
}

// readCapture parses a capture written by tshark -T fields.
func readCapture(t *testing.T, path string) []segment {
	t.Helper()
	var out []segment
	for i, line := range strings.Split(strings.TrimRight(readFile(t, path), "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 6 {
			t.Fatalf("%s:%d: %d fields, want 6: %q", path, i+1, len(f), line)
		}
		seconds, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			t.Fatalf("%s:%d: time: %v", path, i+1, err)
		}
		payload, err := hex.DecodeString(f[5])
		if err != nil {
			t.Fatalf("%s:%d: payload: %v", path, i+1, err)
		}
		if n, err := strconv.Atoi(f[3]); err != nil || n != len(payload) {
			t.Fatalf("%s:%d: length %q for %d payload bytes", path, i+1, f[3], len(payload))
		}
		out = append(out, segment{time.Duration(seconds * float64(time.Second)), f[1], f[2], payload})
	}
	return out
}

func minMax(ds []time.Duration) (time.Duration, time.Duration) {
	least, most := ds[0], ds[0]
	for _, d := range ds {
		least, most = min(least, d), max(most, d)
	}
	return least, most
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// spelled writes the small counts the prose spells out.
func spelled(n int) string {
	words := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
	if n < len(words) {
		return words[n]
	}
	return strconv.Itoa(n)
}
