package units_test

import (
	"fmt"
	"testing"
	"time"

	"bytestream/final/units"
)

func TestParseSize(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want int64
	}{
		{"0", 0},
		{"64", 64},
		{"64B", 64},
		{"4KiB", 4096},
		{"4kib", 4096},
		{"1MiB", 1 << 20},
		{"16 MiB", 16 << 20},
		{"2GiB", 2 << 30},
		{" 8 KiB ", 8192},
	}
	for _, c := range cases {
		got, err := units.ParseSize(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d, nil", c.in, got, err, c.want)
		}
	}
}

func TestParseSizeRejectsWhatItCannotReadExactly(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "KiB", "-1", "1.5MiB", "4KB", "4k", "ten", "1MiBs", "99999999999GiB"} {
		if n, err := units.ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, n)
		}
	}
}

func TestFormatSize(t *testing.T) {
	t.Parallel()
	cases := map[int64]string{
		0:             "0 B",
		100:           "100 B",
		1023:          "1023 B",
		4096:          "4 KiB",
		1536:          "1.5 KiB",
		1 << 20:       "1 MiB",
		16 << 20:      "16 MiB",
		3 << 30:       "3 GiB",
		1<<20 + 1<<10: "1 MiB",
		-2048:         "-2 KiB",
	}
	for n, want := range cases {
		if got := units.FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestFormatThenParseRoundTripsExactSizes(t *testing.T) {
	t.Parallel()
	for _, n := range []int64{0, 1, 64, 4096, 1 << 20, 16 << 20, 5 << 30} {
		got, err := units.ParseSize(units.FormatSize(n))
		if err != nil || got != n {
			t.Errorf("ParseSize(FormatSize(%d)) = %d, %v", n, got, err)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{812, "812ns"},
		{23_456, "23.5µs"},
		{1_500_000, "1.50ms"},
		{250 * time.Millisecond, "250ms"},
		{2 * time.Second, "2.00s"},
	} {
		if got := units.FormatDuration(tc.d); got != tc.want {
			t.Errorf("units.FormatDuration(%d) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestFormatCount(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{
		0: "0", 7: "7", 999: "999", 1000: "1,000", 16186617: "16,186,617", -1234567: "-1,234,567", -999: "-999",
	} {
		if got := units.FormatCount(n); got != want {
			t.Errorf("FormatCount(%d) = %q, want %q", n, got, want)
		}
	}
}

func ExampleParseSize() {
	n, _ := units.ParseSize("4KiB")
	fmt.Println(n)
	// Output: 4096
}

func ExampleFormatSize() {
	fmt.Println(units.FormatSize(16 << 20))
	// Output: 16 MiB
}

func ExampleFormatDuration() {
	fmt.Println(units.FormatDuration(23456 * time.Nanosecond))
	// Output: 23.5µs
}
