package shape_test

import (
	"fmt"
	"io"
	"strings"

	"bytestream/lab/shape"
)

func ExampleParseRule() {
	rule, err := shape.ParseRule("split=2-7,gap=5ms")
	fmt.Println(rule.SplitMin, rule.SplitMax, rule.Gap, err)

	rule, _ = shape.ParseRule("split=3")
	fmt.Println("default gap when splitting:", rule.Gap)

	_, err = shape.ParseRule("split=3,slice=4")
	fmt.Println(err)
	// Output:
	// 2 7 5ms <nil>
	// default gap when splitting: 2ms
	// rule "split=3,slice=4": unknown setting "slice" (want split, gap, coalesce or delay)
}

// A reader cut into 3-byte pieces: every Read returns exactly 3 bytes until
// the stream runs out, whatever the caller's buffer size.
func ExampleNewReader() {
	r := shape.NewReader(strings.NewReader("hello, world"), shape.Rule{SplitMin: 3, SplitMax: 3}, 1)
	buf := make([]byte, 100)
	for {
		n, err := r.Read(buf)
		if err == io.EOF {
			break
		}
		fmt.Printf("%q ", buf[:n])
	}
	fmt.Println()
	// Output:
	// "hel" "lo," " wo" "rld"
}

// A Cutter gives the same piece sizes for the same seed, which is what makes
// a lab run repeatable.
func ExampleCutter_Cut() {
	rule, _ := shape.ParseRule("split=1-4")
	fmt.Println(shape.NewCutter(rule, 42).Cut(20))
	fmt.Println(shape.NewCutter(rule, 42).Cut(20))
	// Output:
	// [1 2 2 1 2 1 1 1 1 1 4 3]
	// [1 2 2 1 2 1 1 1 1 1 4 3]
}
