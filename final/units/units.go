// Package units reads and prints byte sizes the way people type them on a
// command line: "64", "4KiB", "1MiB". Start with ParseSize. It also prints
// durations the way a latency table wants them (FormatDuration) and large
// counts with thousands separators (FormatCount), so that every command and
// report of final/ shows numbers alike.
//
// Only binary units exist here (KiB = 1024 bytes). Decimal "KB" is refused
// rather than guessed, because a benchmark that silently sends 1000-byte
// instead of 1024-byte frames measures the wrong thing.
package units

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The binary multiples ParseSize understands and FormatSize prints.
const (
	KiB int64 = 1 << 10
	MiB int64 = 1 << 20
	GiB int64 = 1 << 30
)

// suffixes lists the accepted units, longest first so that "MiB" is not
// mistaken for a number followed by "B".
var suffixes = []struct {
	name string
	mult int64
}{
	{"kib", KiB},
	{"mib", MiB},
	{"gib", GiB},
	{"b", 1},
}

// ParseSize parses a non-negative whole number of bytes with an optional
// unit: B, KiB, MiB or GiB (case-insensitive, optional space before it).
func ParseSize(s string) (int64, error) {
	num := strings.TrimSpace(s)
	mult := int64(1)
	lower := strings.ToLower(num)
	for _, u := range suffixes {
		if strings.HasSuffix(lower, u.name) {
			num, mult = strings.TrimSpace(num[:len(num)-len(u.name)]), u.mult
			break
		}
	}
	n, err := strconv.ParseUint(num, 10, 63)
	if err != nil {
		return 0, fmt.Errorf("invalid size %q: want a whole number of bytes with an optional unit B, KiB, MiB or GiB", s)
	}
	if n > uint64(math.MaxInt64/mult) {
		return 0, fmt.Errorf("invalid size %q: too large", s)
	}
	return int64(n) * mult, nil
}

// FormatSize prints n in the largest unit that keeps it at least 1, with at
// most two decimals: 100 → "100 B", 4096 → "4 KiB", 1536 → "1.5 KiB".
func FormatSize(n int64) string {
	abs := n
	if abs < 0 {
		abs = -abs
	}
	for _, u := range []struct {
		name string
		mult int64
	}{{"GiB", GiB}, {"MiB", MiB}, {"KiB", KiB}} {
		if abs >= u.mult {
			v := float64(n) / float64(u.mult)
			return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) + " " + u.name
		}
	}
	return strconv.FormatInt(n, 10) + " B"
}
