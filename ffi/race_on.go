//go:build race

package ffi

// raceOn: the race detector is on. The native pool's submitters then make
// an empty call into C, which is where the runtime tells the detector that
// what Go did so far happens before anything C then calls back into Go (the
// runtime's racecgosync); a native thread never makes that call itself.
const raceOn = true
