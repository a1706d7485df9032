package shape

import "math/rand/v2"

// Cutter yields the piece sizes of one direction of one connection. The
// sizes depend only on the rule and the seed, so a run can be repeated
// exactly. The proxy and the wrappers both cut with it.
type Cutter struct {
	rule Rule
	rng  *rand.Rand
}

// cutterStream separates the cutter's random numbers from any other use of
// the same seed.
const cutterStream = 0x9e3779b97f4a7c15

// NewCutter returns a Cutter for rule, seeded with seed.
func NewCutter(rule Rule, seed int64) *Cutter {
	return &Cutter{rule: rule, rng: rand.New(rand.NewPCG(uint64(seed), cutterStream))}
}

// Next returns the next piece size, or 0 when the rule does not split.
func (c *Cutter) Next() int {
	lo, hi := c.rule.SplitMin, c.rule.SplitMax
	if hi <= 0 {
		return 0
	}
	lo = max(lo, 1)
	if lo >= hi {
		return hi
	}
	return lo + c.rng.IntN(hi-lo+1)
}

// Cut returns the sizes of the pieces a chunk of n bytes is cut into; they
// sum to n. Without splitting the whole chunk is one piece.
func (c *Cutter) Cut(n int) []int {
	var sizes []int
	for n > 0 {
		size := c.nextUpTo(n)
		sizes = append(sizes, size)
		n -= size
	}
	return sizes
}

// nextUpTo returns the next piece size for a chunk that has left bytes still
// to cut: all of them when the rule does not split or the piece would be
// larger.
func (c *Cutter) nextUpTo(left int) int {
	size := c.Next()
	if size == 0 || size > left {
		return left
	}
	return size
}
