package bench

import (
	"math"
	"strconv"

	"bytestream/final/units"
)

// formatCount prints a count or a rate, rounded to a whole number, with
// thousands separators: 16186617.4 → "16,186,617".
func formatCount(n float64) string {
	return units.FormatCount(int64(math.Round(n)))
}

// formatRate prints a MiB/s figure with one decimal below 100 and none
// above, where the decimal is noise.
func formatRate(v float64) string {
	switch {
	case v >= 100:
		return formatCount(v)
	case v >= 0.1 || v == 0:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'g', 2, 64)
}

// formatRatio prints framed/raw as "0.97×".
func formatRatio(v float64) string {
	return strconv.FormatFloat(v, 'f', 2, 64) + "×"
}
