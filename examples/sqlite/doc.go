// Command sqlite drives SQLite (libsqlite3.so.0) from several actors at
// once, each with a connection of its own, as SQLite's threading rules ask.
//
//	go run ./examples/sqlite
//
// The main actor creates a database file and fills it; worker actors, each
// on its own OS thread, open their own connection to the same file and
// aggregate a slice of the table in parallel. A connection cannot be sent
// to another actor: the isolation gate refuses it (it holds a mutex), and
// its methods refuse callers other than the actor that opened it.
package main
