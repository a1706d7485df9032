package units

import (
	"strconv"
	"strings"
)

// FormatCount prints n with a comma between each group of three digits:
// 16186617 → "16,186,617". Reports print frame counts and rates this way
// so that a reader sees the magnitude at a glance.
func FormatCount(n int64) string {
	digits := strconv.FormatInt(n, 10)
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
		digits = digits[1:]
	}
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}
