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
	Length uint32 // declared payload length
	Limit  int    // the reader's MaxPayload
}

// Error uses the protocol's wording, so a server can send it verbatim in an
// ERROR frame.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("frame too large: %d bytes > limit %d", e.Length, e.Limit)
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
