package callback

import _ "embed"

// FixtureC is the C source of the callback fixture (call_cb_n,
// call_cb_n_thread, ...). Tests build it with testlib.SharedLib; `goractor
// bench` builds it with cbuild and passes the library to the Measure
// functions.
//
//go:embed testdata/cbfix.c
var FixtureC string

// Measurement names, shared with `goractor bench`.
const (
	BenchSync          = "goractor.callback.sync"
	BenchForeignThread = "goractor.callback.foreign_thread"
	BenchRawSync       = "purego.callback.sync"
	BenchRawForeign    = "purego.callback.foreign_thread"
)
