package soak

import (
	"math/rand/v2"

	"bytestream/final/frame"
)

// Garbage returns n bytes of hostile input made from seed: runs of pure
// noise mixed with near-misses — well-formed frames, frames of unknown or
// server-only types, TEXT that is not UTF-8, headers declaring more than any
// limit, and headers promising more payload than follows. Noise alone would
// almost always die at its first header (four random bytes declare a length
// far above the limit); the near-misses walk the server further in. The same
// seed always gives the same bytes, so a failure names the seed that caused
// it.
func Garbage(seed uint64, n int) []byte {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]byte, 0, n+frame.HeaderLen+512)
	for len(out) < n {
		switch k := rng.IntN(10); {
		case k < 3:
			out = appendNoise(out, rng, 1+rng.IntN(512))
		case k < 6:
			out = appendClientFrame(out, rng)
		case k < 8:
			out = frame.AppendFrame(out, frame.Type(rng.IntN(256)), noise(rng, rng.IntN(64)))
		case k < 9:
			out = appendHeader(out, uint32(frame.DefaultMaxPayload+1+rng.IntN(1<<30)), frame.Data)
		default:
			out = appendHeader(out, uint32(1+rng.IntN(4096)), frame.Text)
			out = appendNoise(out, rng, rng.IntN(64))
		}
	}
	return out[:n]
}

// appendClientFrame appends a frame a client may send: TEXT (one in four
// not valid UTF-8), PING or DATA, with a small payload.
func appendClientFrame(out []byte, rng *rand.Rand) []byte {
	payload := noise(rng, rng.IntN(256))
	switch rng.IntN(3) {
	case 0:
		if rng.IntN(4) > 0 {
			for i := range payload {
				payload[i] = ' ' + payload[i]%95 // printable ASCII
			}
		}
		return frame.AppendFrame(out, frame.Text, payload)
	case 1:
		return frame.AppendFrame(out, frame.Ping, payload)
	default:
		return frame.AppendFrame(out, frame.Data, payload)
	}
}

func appendHeader(out []byte, length uint32, t frame.Type) []byte {
	return append(out, byte(length>>24), byte(length>>16), byte(length>>8), byte(length), byte(t))
}

func appendNoise(out []byte, rng *rand.Rand, n int) []byte {
	for range n {
		out = append(out, byte(rng.Uint32()))
	}
	return out
}

func noise(rng *rand.Rand, n int) []byte {
	return appendNoise(make([]byte, 0, n), rng, n)
}
