// Package otelx holds what goractor's OpenTelemetry instruments share: a
// builder of asynchronous int64 instruments that collects their errors, and
// a reader of collected int64 points for tests.
//
// Isolation, threads, cleanup: a Builder is used by one goroutine while a
// package registers its instruments; nothing here starts a goroutine or
// holds a resource. Errors are the SDK's, joined.
package otelx
