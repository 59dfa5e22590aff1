//go:build !race

package ffi

const raceOn = false
