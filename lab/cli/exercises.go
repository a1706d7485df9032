package cli

import (
	"io"
	"os"

	"bytestream/lab/exercises"
)

// runExercises is `lab exercises`: the learner's progress, hints, resets
// and solutions, in package bytestream/lab/exercises.
func runExercises(args []string, stdout, stderr io.Writer) int {
	return exercises.Main(args, os.Stdin, stdout, stderr)
}
