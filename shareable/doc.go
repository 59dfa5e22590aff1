// Package shareable decides how a value may cross from one actor to another:
// shared by reference when it is deeply immutable, deep-copied or moved when
// it is plain data, frozen on request, and rejected with an error naming the
// offending part when it cannot cross safely. It is the Go counterpart of Ruby
// Ractor's shareable?, make_shareable, copy and move.
//
// The rules, by kind (the package documentation guide docs/shareability.md
// explains each):
//
//	bool, numbers, string          shareable (immutable)
//	array, struct                  shareable when every element/field is; otherwise copied deeply
//	pointer, slice, map            copied deeply (aliasing and cycles kept), or moved
//	chan T                         shareable when T is shareable; otherwise nil crosses, non-nil is rejected
//	func, unsafe.Pointer           nil crosses as nil; non-nil is rejected
//	sync, sync/atomic, os.File,
//	net connections, reflect.Value,
//	time.Timer, strings.Builder    rejected: must not be copied or shared
//	interface                      judged by its dynamic value
//	error values                   shared when their graph (pointers followed) holds only immutable data
//	Declared, registered types     shareable by reference (the author's assertion)
//	Frozen, List, Map, Struct      shareable by reference
//
// [Check] answers "may v be shared by reference?", [Copy] makes a deep copy
// that shares no mutable memory, [Move] hands a value over and clears the
// sender's variable, and [Freeze] builds an immutable snapshot that costs
// nothing to send. [List] and [Map] are immutable containers for building
// such snapshots by hand.
//
// # Declaring a type shareable
//
// A type whose values are immutable, or safe for concurrent use, declares it
// with the marker method ShareableByReference (see [Declared]); a type from
// another package is vouched for with [Register] or [RegisterType]. Both are
// assertions the checker cannot verify, like Ruby's
// RUBY_TYPED_FROZEN_SHAREABLE or Rust's unsafe impl Sync. A marker method
// promoted from an embedded field does not count: embedding a shareable type
// does not make the outer struct shareable. Pre-registered: *regexp.Regexp,
// *slog.Logger, *log.Logger, *strings.Replacer, reflect.Type,
// *time.Location, time.Time, *time.Timer, *time.Ticker, *runtime.Func,
// netip.Addr, netip.AddrPort, netip.Prefix, context.Context, every
// unique.Handle and the contexts of package context. Package actor, whose API
// hands out *zap.Logger, registers *zap.Logger and *zap.SugaredLogger.
// Standard-library values with hidden runtime state (time.Timer and
// runtime.Func values, strings.Builder, sync types, weak.Pointer...) are
// never copied: docs/shareability.md lists the verdict of each.
//
// A type that must be copied by its own package (protobuf messages, with
// proto.Clone) registers a copier with [RegisterCopier] or
// [RegisterCopierFunc]; the walk then never enters it.
//
// # Isolation
//
// Nothing here mutates the values it is given: Check and Copy only read them,
// and a failed Copy, Move or Freeze leaves them as they were. Move is the one
// operation that writes, and it writes only the variable it is given (it sets
// it to the zero value); other references the sender kept are not
// invalidated, because Go cannot do that. Values shared by reference are
// shared on the author's word for declared and registered types, and on the
// convention that error values are not mutated after they are returned.
//
// Copies keep aliasing by object identity: two pointers to one object, two
// slices that start at the same element of one backing array, or two
// references to one map stay aliased in the copy, and cycles are kept. Two
// slices that start at different elements of one array, and pointers into
// the middle of an array or struct, are copied separately.
//
// # Threads
//
// All functions are safe for concurrent use. The per-type verdict cache is a
// sync.Map; it is filled on first use of a type and cleared by Register,
// which is meant for init. Nothing starts goroutines or locks threads. Walks
// use explicit work stacks, so 10^5-deep graphs do not grow the goroutine
// stack; values nested inline (struct in struct) recurse only as deep as
// their type is nested.
//
// # Cleanup
//
// There is nothing to release. Frozen values and containers are ordinary
// garbage-collected memory.
//
// # Errors
//
// Refusals are reported as *IsolationError, which wraps [ErrNotShareable]:
//
//	shareable: main.Order.Items[2].Notify: func is not shareable
//
// The text names the root type, the Go-expression path to the offending
// part (fields, indexes, quoted string keys) and the reason. It is built from
// types and the path alone: no String or Error method of the value is ever
// called. There is no size or depth limit: a value graph is bounded by memory
// only.
package shareable
