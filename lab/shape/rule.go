package shape

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultGap is the pause ParseRule puts between pieces when a rule splits
// and names no gap. Without a pause the pieces leave so close together that
// a receiver usually reads several of them at once, and the split is lost.
const DefaultGap = 2 * time.Millisecond

// Rule is one direction's reshaping, the same grammar as the proxy's -up/-down:
// "split=3", "split=2-7,gap=5ms", "coalesce=50ms", "delay=1ms". Zero Rule = pass through.
type Rule struct {
	SplitMin, SplitMax int           // piece sizes in [SplitMin, SplitMax]; 0 = no splitting
	Gap                time.Duration // pause between pieces of one chunk
	Coalesce           time.Duration // hold writes this long after a batch's first byte, send as one
	Delay              time.Duration // added latency per chunk
}

// Splits reports whether the rule cuts chunks into pieces.
func (r Rule) Splits() bool { return r.SplitMax > 0 }

// String returns the rule in ParseRule's grammar; the zero Rule is "none".
func (r Rule) String() string {
	var parts []string
	switch {
	case r.SplitMax > 0 && r.SplitMin == r.SplitMax:
		parts = append(parts, fmt.Sprintf("split=%d", r.SplitMax))
	case r.SplitMax > 0:
		parts = append(parts, fmt.Sprintf("split=%d-%d", r.SplitMin, r.SplitMax))
	}
	if r.Gap > 0 {
		parts = append(parts, "gap="+r.Gap.String())
	}
	if r.Coalesce > 0 {
		parts = append(parts, "coalesce="+r.Coalesce.String())
	}
	if r.Delay > 0 {
		parts = append(parts, "delay="+r.Delay.String())
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ",")
}

// ParseRule parses comma-separated settings: split=N, split=MIN-MAX,
// gap=DURATION, coalesce=DURATION, delay=DURATION. The empty string and
// "none" are the zero Rule. split=0 means no splitting, and a duration of 0
// means no pause. A rule that splits without naming a gap gets DefaultGap;
// write gap=0 to send the pieces back to back.
//
// Errors name the rule and the setting that is wrong, e.g.
// `rule "split=3-1": split: min 3 is larger than max 1`.
func ParseRule(s string) (Rule, error) {
	var r Rule
	s = strings.TrimSpace(s)
	if s == "" || s == "none" {
		return r, nil
	}
	seen := map[string]bool{}
	for _, setting := range strings.Split(s, ",") {
		key, value, ok := strings.Cut(strings.TrimSpace(setting), "=")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if !ok {
			return Rule{}, fmt.Errorf("rule %q: setting %q has no value (want KEY=VALUE, e.g. split=3)", s, setting)
		}
		if seen[key] {
			return Rule{}, fmt.Errorf("rule %q: %s is given twice", s, key)
		}
		seen[key] = true
		if err := r.set(key, value); err != nil {
			return Rule{}, fmt.Errorf("rule %q: %w", s, err)
		}
	}
	if r.Splits() && !seen["gap"] {
		r.Gap = DefaultGap
	}
	return r, nil
}

// set applies one KEY=VALUE setting.
func (r *Rule) set(key, value string) error {
	var err error
	switch key {
	case "split":
		r.SplitMin, r.SplitMax, err = parseSplit(value)
	case "gap":
		r.Gap, err = parseDuration(key, value)
	case "coalesce":
		r.Coalesce, err = parseDuration(key, value)
	case "delay":
		r.Delay, err = parseDuration(key, value)
	default:
		err = fmt.Errorf("unknown setting %q (want split, gap, coalesce or delay)", key)
	}
	return err
}

// parseSplit parses "N" or "MIN-MAX".
func parseSplit(value string) (lo, hi int, err error) {
	if strings.HasPrefix(value, "-") {
		return 0, 0, fmt.Errorf("split: %s is negative", value)
	}
	loText, hiText, isRange := strings.Cut(value, "-")
	if lo, err = parseSize("split", loText); err != nil {
		return 0, 0, err
	}
	if !isRange {
		return lo, lo, nil
	}
	if hi, err = parseSize("split", hiText); err != nil {
		return 0, 0, err
	}
	switch {
	case lo == 0:
		return 0, 0, fmt.Errorf("split: min must be at least 1 in a range, got %q", value)
	case lo > hi:
		return 0, 0, fmt.Errorf("split: min %d is larger than max %d", lo, hi)
	}
	return lo, hi, nil
}

// maxPiece bounds a piece size so that a typo cannot ask for absurd buffers.
const maxPiece = 1 << 30

func parseSize(key, text string) (int, error) {
	n, err := strconv.Atoi(text)
	switch {
	case errors.Is(err, strconv.ErrRange):
		// Atoi saturates: say the number is too large, not that it is none.
		return 0, fmt.Errorf("%s: %s bytes is more than the limit %d", key, text, maxPiece)
	case err != nil:
		return 0, fmt.Errorf("%s: %q is not a whole number of bytes", key, text)
	case n < 0:
		return 0, fmt.Errorf("%s: %d is negative", key, n)
	case n > maxPiece:
		return 0, fmt.Errorf("%s: %d bytes is more than the limit %d", key, n, maxPiece)
	}
	return n, nil
}

func parseDuration(key, text string) (time.Duration, error) {
	if text == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(text)
	_, isNumber := strconv.ParseFloat(text, 64)
	switch {
	case err != nil && isNumber == nil:
		return 0, fmt.Errorf("%s: %q has no unit (want e.g. %sms or %ss)", key, text, text, text)
	case err != nil:
		return 0, fmt.Errorf("%s: %q is not a duration (want e.g. 2ms, 1s)", key, text)
	case d < 0:
		return 0, fmt.Errorf("%s: %s is negative", key, d)
	}
	return d, nil
}
