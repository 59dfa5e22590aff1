//go:build !(linux && (amd64 || arm64))

package nativecrash

// Installed reports whether the handler is in place: never on this
// platform, where a native crash gets the Go runtime's report only.
func Installed() bool { return false }
