//go:build soak && !race

package soak

// raceEnabled: without the race detector the soak runs its full counts.
const raceEnabled = false
