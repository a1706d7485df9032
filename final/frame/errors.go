package frame

import (
	"errors"
	"fmt"
	"io"
)

// ErrTooLarge is matched (with errors.Is) by every *TooLargeError.
var ErrTooLarge = errors.New("frame too large")

// TooLargeError reports a header that declares more payload than the
// reader's limit. It is a framing error: the stream cannot be trusted after
// it, so the connection must be closed.
type TooLargeError struct {
	Length uint32          // declared payload length
	Limit  int             // the reader's MaxPayload
	Header [HeaderLen]byte // the header as it arrived; zero if not known
}

// Error uses the protocol's wording, so a server can send it verbatim in an
// ERROR frame. When the length bytes are printable text, the other end is
// almost certainly not speaking ByteStream (an HTTP server's reply begins
// "HTTP", 1213486160 as a length), and the message says so.
func (e *TooLargeError) Error() string {
	msg := fmt.Sprintf("frame too large: %d bytes > limit %d", e.Length, e.Limit)
	if text := e.text(); text != "" {
		msg += fmt.Sprintf(" (the stream starts with %q: is the other end speaking ByteStream?)", text)
	}
	return msg
}

// text returns the header's leading printable ASCII when all four length
// bytes are printable, else "".
func (e *TooLargeError) text() string {
	n := 0
	for n < len(e.Header) && e.Header[n] >= ' ' && e.Header[n] <= '~' {
		n++
	}
	if n < 4 {
		return ""
	}
	return string(e.Header[:n])
}

// Is makes errors.Is(err, ErrTooLarge) true.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// TruncatedError reports an end of stream inside a frame: some of its header
// or payload arrived, the rest never will. It wraps io.ErrUnexpectedEOF.
type TruncatedError struct {
	Part string // "header" or "payload"
	Type Type   // the frame's type; zero while reading the header
	Got  int    // bytes of Part that arrived
	Want int    // bytes of Part that were expected
}

func (e *TruncatedError) Error() string {
	if e.Part == "header" {
		return fmt.Sprintf("truncated frame: %d of %d header bytes", e.Got, e.Want)
	}
	return fmt.Sprintf("truncated %s frame: %d of %d payload bytes", e.Type, e.Got, e.Want)
}

// Unwrap lets callers treat truncation like any other unexpected EOF.
func (e *TruncatedError) Unwrap() error { return io.ErrUnexpectedEOF }
