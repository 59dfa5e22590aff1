//go:build race

package callback

const raceEnabled = true
