package units

import (
	"fmt"
	"time"
)

// FormatDuration prints d with three significant digits in the unit a
// reader expects for a round trip: 812 → "812ns", 23456 → "23.5µs",
// 1.5 ms → "1.50ms". time.Duration's own String keeps every digit
// ("23.456µs"), which is noise in a latency table.
func FormatDuration(d time.Duration) string {
	switch {
	case d < time.Microsecond:
		return fmt.Sprintf("%dns", d)
	case d < time.Millisecond:
		return threeDigits(float64(d)/float64(time.Microsecond)) + "µs"
	case d < time.Second:
		return threeDigits(float64(d)/float64(time.Millisecond)) + "ms"
	}
	return threeDigits(d.Seconds()) + "s"
}

func threeDigits(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}
