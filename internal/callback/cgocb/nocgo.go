//go:build !cgo

package cgocb

// Have reports whether this binary was built with cgo.
const Have = false

// CallN needs a cgo build.
func CallN(n int) uintptr { panic("cgocb: the cgo callback baseline needs CGO_ENABLED=1") }

// CallNThread needs a cgo build.
func CallNThread(n int) uintptr { panic("cgocb: the cgo callback baseline needs CGO_ENABLED=1") }
