//go:build race

package dnsbl

// raceEnabled: the race detector slows everything down several times, so
// timing assertions are skipped and the memory test is shorter.
const raceEnabled = true
