//go:build soak && race

package soak

// raceEnabled: the race detector allows at most 8,128 live goroutines and
// slows code several times, so under -race the soak runs reduced counts.
const raceEnabled = true
