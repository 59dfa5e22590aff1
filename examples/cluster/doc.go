// Command cluster spreads zlib compression over actors on three nodes: it
// starts two worker processes of itself on 127.0.0.1, spawns one
// compressing actor on each node (itself included) through package node,
// sends every block of its input to them as requests, verifies every block
// by uncompressing it, and prints the work each node did. It exits 0 only
// when every block round-trips.
//
//	go run ./examples/cluster [file]
package main
