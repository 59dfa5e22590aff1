// Package zlib is zlib's one-shot compression API as a goractor extension. It
// registers itself as "zlib" in init, declared parallel-safe: compress2,
// uncompress and compressBound keep no state between calls (zlib is
// thread-safe as long as streams are not shared, and these calls use none).
//
// # Isolation
//
// A *Lib holds only immutable bound functions and may be shared between
// actors. Buffers passed to C are Go memory that stays alive (and unmoved)
// for the duration of each call and is not retained by zlib.
//
// # Threads
//
// Calls run on the caller's thread. Nothing is started.
//
// # Cleanup
//
// Close the *Lib returned by Open when done.
//
// # Errors
//
// Compress and Uncompress return *Error (wrapping ErrData, ErrBuf, ErrMem)
// for zlib's error codes, and the extension's errors for a refused call.
package zlib
