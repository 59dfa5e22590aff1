// Command parallelzlib compresses data with zlib on several actors at once,
// each on its own OS thread, and compares the wall time with one actor.
//
//	go run ./examples/parallelzlib [FILE]
//
// Without FILE it compresses 16 MiB of generated text. The data is cut into
// 256 KiB blocks; the main actor hands them out as strings (immutable, so
// they cross by reference, without copying), the workers compress them
// through the zlib extension (declared parallel-safe, so the calls are not
// call-gated) and move their results back over a port (SendMove: no copy, and the
// worker's variable is cleared). The output is checked by uncompressing it.
package main
