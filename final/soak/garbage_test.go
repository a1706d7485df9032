package soak

import (
	"bytes"
	"errors"
	"testing"

	"bytestream/final/frame"
)

func TestGarbageIsTheSameForTheSameSeed(t *testing.T) {
	t.Parallel()
	a, b := Garbage(7, 4096), Garbage(7, 4096)
	if !bytes.Equal(a, b) {
		t.Error("seed 7 gave two different streams")
	}
	if bytes.Equal(a, Garbage(8, 4096)) {
		t.Error("seeds 7 and 8 gave the same stream")
	}
	if len(a) != 4096 {
		t.Errorf("len = %d, want 4096", len(a))
	}
}

// TestGarbageReachesPastTheFirstHeader checks the point of the near-misses:
// across seeds, some streams start with frames a server accepts, and the
// ways a stream can end (too large, truncated) both occur.
func TestGarbageReachesPastTheFirstHeader(t *testing.T) {
	t.Parallel()
	var framesRead, tooLarge, truncated int
	for seed := range uint64(200) {
		r := frame.NewReader(bytes.NewReader(Garbage(seed, 2048)))
		for {
			_, _, err := r.ReadFrame()
			if err != nil {
				var tl *frame.TooLargeError
				var tr *frame.TruncatedError
				switch {
				case errors.As(err, &tl):
					tooLarge++
				case errors.As(err, &tr):
					truncated++
				}
				break
			}
			framesRead++
		}
	}
	if framesRead < 200 || tooLarge == 0 || truncated == 0 {
		t.Errorf("200 streams gave %d frames, %d too-large and %d truncated endings; want many frames and both endings",
			framesRead, tooLarge, truncated)
	}
}
