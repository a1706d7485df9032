// Package exercises is the learner's side of the course's exercises: the
// command `go run ./lab exercises` (and the make targets exercises, next,
// hint, solution and reset) that lists every exercise with its state, runs
// the next one that is not done, shows hints one at a time, resets a step,
// and shows a verified solution.
//
// A learner never edits a step folder. Each step gets a copy the first time
// an exercise needs it, steps/_my-03-framing beside steps/03-framing: the go
// tool leaves folders whose name starts with "_" out of ./..., so nothing in
// the copy can make `make test` or the docs checks fail, and the reference
// the chapters embed stays as shipped.
//
// Start with Main. The exercises themselves, with their hints, answers and
// solutions, are in solutions/NN-name.txtar, one archive per step (spoilers:
// open them on purpose); course.go reads them and patch.go applies a
// solution to the reference.
package exercises
