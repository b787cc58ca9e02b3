//go:build race

package content

// raceEnabled: the race detector makes the byte loops many times slower,
// so the bounds test does not assert its time limits under it.
const raceEnabled = true
