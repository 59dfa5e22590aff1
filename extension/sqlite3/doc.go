// Package sqlite3 is enough of SQLite's C API to open a database, execute
// statements and read rows, as a goractor extension. It registers itself as
// "sqlite3" in init, declared parallel-safe, with one rule that the
// declaration cannot express and this package enforces: a connection belongs
// to the actor that opened it and never crosses to another.
//
// # Isolation
//
// SQLite, built thread-safe (as Debian's libsqlite3.so.0 is), lets any number
// of threads use distinct connections at once. A *Conn is not shareable: it
// holds a mutex, so the actor runtime's isolation gate refuses to send it,
// and every method checks that it is called by the actor (or goroutine, outside
// actors) that opened it, returning an error wrapping safety.ErrWrongThread
// otherwise. Open one connection per actor. Connections to one file contend
// for its locks: each waits up to DefaultBusyTimeout (5 s, SetBusyTimeout
// changes it) before a statement fails with SQLITE_BUSY.
//
// # Threads
//
// Calls run on the caller's thread. Nothing is started.
//
// # Cleanup
//
// Close every Rows, then every Conn, then the *Lib.
//
// # Errors
//
// SQLite result codes other than OK, ROW and DONE are returned as *Error
// with SQLite's message.
package sqlite3
