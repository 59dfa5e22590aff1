package shareable

import (
	"context"
	"log"
	"log/slog"
	"net/netip"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// verdict is what the type alone says about its values.
type verdict uint8

const (
	vWalk   verdict = iota // depends on the value: walk it
	vShare                 // every value of the type may be shared by reference
	vForbid                // no value of the type may cross (a non-empty array/struct of it, or itself)
)

// tinfo is the cached, immutable description of one type. It is built once
// under buildMu and published through infoCache; after publication it is only
// read.
type tinfo struct {
	t       reflect.Type
	rt      unsafe.Pointer // runtime type descriptor
	kind    reflect.Kind
	size    uintptr
	verdict verdict
	isErr   bool // a concrete type that implements error
	direct  bool // stored directly in an interface's data word
	empty   bool // an interface type with no methods
	noptr   bool // values hold no pointers: copied with one memmove
	// nilOnly marks a func, an unsafe.Pointer or a chan of a non-shareable
	// element: a nil value shares nothing and crosses as nil, a non-nil one
	// is refused with badType and reason.
	nilOnly bool
	// nilParts reports that values may hold a nilOnly part (or an interface,
	// whose dynamic value may): Check then looks for a part that may never
	// cross before it reports a mutable one.
	nilParts bool
	built    bool // build finished (false while a recursive type is in progress)
	// copyFn is the registered copier of the type (RegisterCopier): the
	// copy is made by it, never by the generic walk.
	copyFn func(any) (any, error)

	// For vForbid: the part of the type that is not shareable.
	badPath string       // Go-expression path from this type to the part, e.g. ".Notify" or "[0]"
	badType reflect.Type // the part's type
	reason  string

	elem   *tinfo      // pointer, slice, array, map value, chan
	key    *tinfo      // map key
	length int         // array length
	fields []fieldInfo // struct fields that need a walk
	all    []fieldInfo // every struct field, for Freeze

	// The node-boundary verdict (modeNode), built with the rest once
	// package node has installed its rules (see node.go).
	node nodeInfo
}

// fieldInfo is one struct field whose values need a walk (verdict vWalk).
type fieldInfo struct {
	off  uintptr
	name string
	ti   *tinfo
}

var (
	infoCache sync.Map // reflect.Type -> *tinfo

	buildMu  sync.Mutex // protects registry and copiers; serializes builds
	registry = map[reflect.Type]bool{}
	copiers  = map[reflect.Type]func(any) (any, error){} // by type; interface types cover their implementations
)

var (
	errorType  = reflect.TypeFor[error]()
	markerType = reflect.TypeFor[Declared]()
)

// Declared is implemented by types that declare themselves shareable by
// reference. See the package documentation, section "Declaring a type
// shareable".
type Declared interface {
	// ShareableByReference is a marker. Implementing it asserts that every
	// value of the type is immutable or safe for concurrent use, so it may be
	// shared between actors without copying. The method is never called.
	ShareableByReference()
}

func init() {
	for _, t := range []reflect.Type{
		reflect.TypeFor[*regexp.Regexp](),
		reflect.TypeFor[*slog.Logger](),
		reflect.TypeFor[*strings.Replacer](),
		reflect.TypeFor[reflect.Type](),
		reflect.TypeOf(reflect.TypeOf(0)), // *reflect.rtype
		reflect.TypeFor[*time.Location](),
		reflect.TypeFor[time.Time](),
		reflect.TypeFor[netip.Addr](),
		reflect.TypeFor[netip.AddrPort](),
		reflect.TypeFor[netip.Prefix](),
		reflect.TypeFor[context.Context](),
		// Safe for concurrent use: "A Logger can be used simultaneously
		// from multiple goroutines" (package log).
		reflect.TypeFor[*log.Logger](),
		// Stop and Reset lock the runtime timer (runtime/time.go: stop and
		// modify take t.lock(); the channel is a channel), and initTimer is
		// written once by NewTimer/NewTicker before the pointer escapes.
		// The value itself is the head of a hidden runtime struct: a copy
		// corrupts the runtime, so time.Timer/Ticker values are refused.
		reflect.TypeFor[*time.Timer](),
		reflect.TypeFor[*time.Ticker](),
		// Immutable metadata the runtime finds by the pointer's address.
		reflect.TypeFor[*runtime.Func](),
	} {
		registry[t] = true
	}
}

// Register records t as shareable by reference: its values are immutable or
// safe for concurrent use, so they cross between actors without being copied
// or checked. It is the counterpart of Ruby's RUBY_TYPED_FROZEN_SHAREABLE and
// Rust's unsafe impl Sync, and the author of the call vouches for it.
//
// Register is meant for package initialization. It panics if t is nil.
// Registering an interface type makes every value stored in a field or
// element of that static type shareable, whatever its dynamic type.
func Register(t reflect.Type) {
	if t == nil {
		panic("shareable: Register of nil type")
	}
	buildMu.Lock()
	registry[t] = true
	infoCache.Clear() // verdicts of types containing t may change
	buildMu.Unlock()
}

// RegisterType is Register(reflect.TypeFor[T]()).
func RegisterType[T any]() { Register(reflect.TypeFor[T]()) }

// RegisterCopier makes Copy, CopyAny, Pass and so every send between actors
// copy values of type t by calling copy, instead of walking them: for types
// the generic walk must not copy or cannot reach, such as protobuf messages
// (proto.Clone) or values that keep state in a runtime or C library. copy is
// given the original and must return an independent value of the same
// dynamic type, or an error, which makes the copy fail with an
// *IsolationError carrying it. It must not modify the original.
//
// When t is an interface type, the copier applies to every non-interface
// type that implements it and is not shareable by reference (declared or
// registered types stay shared); a copier registered for the exact type
// wins. Check still reports such values as mutable, Move hands them over
// without a walk, and Freeze does not use copiers.
//
// RegisterCopier is meant for package initialization; it clears the verdict
// cache. It panics if t or copy is nil.
func RegisterCopier(t reflect.Type, copy func(v any) (any, error)) {
	if t == nil || copy == nil {
		panic("shareable: RegisterCopier with a nil type or func")
	}
	buildMu.Lock()
	copiers[t] = copy
	infoCache.Clear()
	buildMu.Unlock()
}

// RegisterCopierFunc is RegisterCopier for the type T (often an interface,
// such as proto.Message) with a typed copy function:
//
//	shareable.RegisterCopierFunc(func(m proto.Message) (proto.Message, error) {
//		return proto.Clone(m), nil
//	})
func RegisterCopierFunc[T any](copy func(T) (T, error)) {
	if copy == nil {
		panic("shareable: RegisterCopierFunc with a nil func")
	}
	RegisterCopier(reflect.TypeFor[T](), func(v any) (any, error) { return copy(v.(T)) })
}

// copierOf returns the copier registered for t, or for an interface t
// implements. Called with buildMu held.
func copierOf(t reflect.Type) func(any) (any, error) {
	if len(copiers) == 0 || t.Kind() == reflect.Interface {
		return nil
	}
	if fn := copiers[t]; fn != nil {
		return fn
	}
	var found reflect.Type
	for it := range copiers {
		if it.Kind() == reflect.Interface && t.Implements(it) && (found == nil || it.String() < found.String()) {
			found = it // the same choice on every build when several match
		}
	}
	if found == nil {
		return nil
	}
	return copiers[found]
}

// infoOf returns the cached description of t.
func infoOf(t reflect.Type) *tinfo {
	if v, ok := infoCache.Load(t); ok {
		return v.(*tinfo)
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	if v, ok := infoCache.Load(t); ok {
		return v.(*tinfo)
	}
	b := builder{m: map[reflect.Type]*tinfo{}}
	ti := b.build(t)
	for t, ti := range b.m {
		infoCache.LoadOrStore(t, ti)
	}
	return ti
}

type builder struct {
	m map[reflect.Type]*tinfo
}

// build computes the description of t. Types may recurse through pointers,
// slices, maps and chans; the in-progress entry in b.m breaks the cycle. Only
// chans need their element's verdict, and an in-progress element counts as not
// shareable (conservative).
func (b *builder) build(t reflect.Type) *tinfo {
	if ti, ok := b.m[t]; ok {
		return ti
	}
	if v, ok := infoCache.Load(t); ok {
		return v.(*tinfo)
	}
	ti := &tinfo{t: t, rt: rtypeOf(t), kind: t.Kind(), size: t.Size(), verdict: vWalk}
	b.m[t] = ti
	b.buildLocal(ti)
	if r := nodeRules.Load(); r != nil {
		b.buildNode(ti, r)
	}
	return ti
}

// buildLocal computes the local send gate's description of ti.t.
func (b *builder) buildLocal(ti *tinfo) {
	t := ti.t
	ti.direct = isDirectIface(t)
	ti.empty = ti.kind == reflect.Interface && t.NumMethod() == 0
	ti.isErr = ti.kind != reflect.Interface && t.Implements(errorType)
	ti.noptr = !hasPointers(t)

	if registry[t] || declares(t) || sharedNamed(t) {
		ti.verdict = vShare
		ti.built = true
		return
	}
	if fn := copierOf(t); fn != nil {
		ti.copyFn, ti.built = fn, true
		return
	}
	if reason := forbiddenNamed(t); reason != "" {
		if ti.kind == reflect.Func {
			ti.onlyNil(reason) // iter.Seq: a nil one crosses like any nil func
		} else {
			ti.forbid("", t, reason)
		}
		ti.built = true
		return
	}
	switch ti.kind {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.String:
		ti.verdict = vShare
	case reflect.Func:
		ti.onlyNil("func is not shareable")
	case reflect.UnsafePointer:
		ti.onlyNil("unsafe.Pointer is not shareable")
	case reflect.Chan:
		ti.elem = b.build(t.Elem())
		if ti.elem.verdict == vShare {
			ti.verdict = vShare
		} else {
			ti.onlyNil("chan of " + t.Elem().String() + " is not shareable: its element type is not shareable")
		}
	case reflect.Array:
		ti.elem = b.build(t.Elem())
		ti.length = t.Len()
		switch {
		case ti.length == 0 || ti.elem.verdict == vShare:
			ti.verdict = vShare
		case ti.elem.verdict == vForbid:
			ti.forbid("[0]"+ti.elem.badPath, ti.elem.badType, ti.elem.reason)
		}
	case reflect.Struct:
		ti.verdict = vShare
		for i := range t.NumField() {
			f := t.Field(i)
			fi := b.build(f.Type)
			ti.all = append(ti.all, fieldInfo{off: f.Offset, name: f.Name, ti: fi})
			switch fi.verdict {
			case vForbid:
				ti.forbid("."+f.Name+fi.badPath, fi.badType, fi.reason)
				ti.fields, ti.all = nil, nil
				ti.built = true
				return
			case vWalk:
				ti.verdict = vWalk
				ti.fields = append(ti.fields, fieldInfo{off: f.Offset, name: f.Name, ti: fi})
				ti.nilParts = ti.nilParts || fi.mayHoldNil()
			}
		}
	case reflect.Pointer, reflect.Slice:
		ti.elem = b.build(t.Elem())
		ti.nilParts = ti.elem.mayHoldNil()
	case reflect.Map:
		ti.key = b.build(t.Key())
		ti.elem = b.build(t.Elem())
		ti.nilParts = ti.key.mayHoldNil() || ti.elem.mayHoldNil()
	case reflect.Interface:
		// judged by the dynamic value
		ti.nilParts = true
	}
	if ti.kind == reflect.Array && ti.verdict == vWalk {
		ti.nilParts = ti.elem.mayHoldNil()
	}
	if ti.isErr && ti.verdict == vWalk && errStatic(t, map[reflect.Type]bool{}) {
		// An error value whose whole graph, following pointers, is immutable
		// data: shared by reference so that errors.Is keeps working.
		ti.verdict = vShare
	}
	ti.built = true
}

// onlyNil marks ti as a kind whose nil value crosses and whose other values
// are refused for reason.
func (ti *tinfo) onlyNil(reason string) {
	ti.nilOnly, ti.nilParts = true, true
	ti.badType, ti.reason = ti.t, reason
}

// mayHoldNil reports whether a value of ti may hold a nilOnly part, counting
// a type still being built (a recursive type) as one that may.
func (ti *tinfo) mayHoldNil() bool {
	return !ti.built || (ti.verdict == vWalk && ti.nilParts)
}

// hasPointers reports whether values of t hold pointers (the garbage
// collector scans them), following only memory stored inline.
func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return false
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	}
	return true
}

func (ti *tinfo) forbid(path string, part reflect.Type, reason string) {
	ti.verdict = vForbid
	ti.badPath = path
	ti.badType = part
	ti.reason = reason
}

// declares reports whether t declares itself shareable through the marker
// method. A method promoted from an embedded field does not count: embedding
// a shareable type in a struct does not make the struct shareable.
func declares(t reflect.Type) bool {
	if t.Kind() == reflect.Interface || !t.Implements(markerType) {
		return false
	}
	s := t
	if s.Kind() == reflect.Pointer {
		s = s.Elem()
	}
	if s.Kind() == reflect.Struct {
		for i := range s.NumField() {
			f := s.Field(i)
			if !f.Anonymous {
				continue
			}
			ft := f.Type
			if ft.Implements(markerType) || (ft.Kind() != reflect.Pointer && ft.Kind() != reflect.Interface && reflect.PointerTo(ft).Implements(markerType)) {
				return false // promoted, or indistinguishable from promoted
			}
		}
	}
	return true
}

type namedType struct{ pkg, name string }

// Reasons, with what to do instead.
const (
	osResource = "it is an OS resource: send the data, a path or an address, or keep the handle in one actor and send it requests"
	oneOwner   = "it belongs to one test goroutine: report from actors through messages or their results"
)

// osResources are types that stand for operating-system resources or runtime
// machinery: copying them duplicates a handle or corrupts the runtime,
// sharing them shares state that is not checked for concurrent use.
var osResources = map[namedType]string{
	{"os", "File"}:           osResource,
	{"os", "Process"}:        osResource,
	{"os", "Root"}:           osResource,
	{"internal/poll", "FD"}:  osResource,
	{"net", "netFD"}:         osResource,
	{"net", "conn"}:          osResource,
	{"net", "TCPConn"}:       osResource,
	{"net", "UDPConn"}:       osResource,
	{"net", "UnixConn"}:      osResource,
	{"net", "IPConn"}:        osResource,
	{"net", "TCPListener"}:   osResource,
	{"net", "UnixListener"}:  osResource,
	{"reflect", "Value"}:     "it can reach any memory: send v.Interface(), or the reflect.Type",
	{"runtime", "Pinner"}:    "it pins memory for one owner: pin in the actor that passes the memory to C",
	{"runtime", "Func"}:      "the runtime finds its data by its address: send the *runtime.Func (shared by reference)",
	{"weak", "Pointer"}:      "it is a weak reference: send the value, or a unique.Handle of it",
	{"time", "Timer"}:        "it heads a hidden runtime timer, so a copy corrupts the runtime: send the *time.Timer (shared by reference)",
	{"time", "Ticker"}:       "it heads a hidden runtime timer, so a copy corrupts the runtime: send the *time.Ticker (shared by reference)",
	{"strings", "Builder"}:   "it checks its own address, so a copy panics on write: send its String()",
	{"crypto/tls", "Conn"}:   osResource,
	{"database/sql", "DB"}:   osResource,
	{"database/sql", "Conn"}: osResource,
	{"database/sql", "Tx"}:   osResource,
	{"database/sql", "Stmt"}: osResource,
	{"database/sql", "Rows"}: osResource,
	{"os/exec", "Cmd"}:       "it owns an OS process: keep it in one actor and send it requests",
	{"testing", "T"}:         oneOwner,
	{"testing", "B"}:         oneOwner,
	{"testing", "F"}:         oneOwner,
	{"iter", "Seq"}:          "an iterator is a func: send slices.Collect(seq) instead",
	{"iter", "Seq2"}:         "an iterator is a func: send the pairs it yields instead",
	{"sync", "Map"}:          "it must not be copied: send a map built from its Range, or freeze one",
}

var contextType = reflect.TypeFor[context.Context]()

// sharedNamed reports the standard-library types shared by reference that
// cannot be listed in the registry: every instantiation of unique.Handle (a
// pointer to an interned immutable value, compared by identity), and the
// contexts of package context ("Context's methods may be called by multiple
// goroutines simultaneously"). Contexts of other packages (an actor's
// *actor.Context) are judged like any other type.
func sharedNamed(t reflect.Type) bool {
	n := t
	if n.Kind() == reflect.Pointer {
		n = n.Elem()
	}
	switch n.PkgPath() {
	case "unique":
		return t == n && strings.HasPrefix(n.Name(), "Handle[")
	case "context":
		return t.Kind() != reflect.Interface && t.Implements(contextType)
	}
	return false
}

// forbiddenNamed returns why the named type t may never cross, or "".
func forbiddenNamed(t reflect.Type) string {
	if t.Name() == "" || t.Kind() == reflect.Interface {
		return ""
	}
	if why := NameReason(t.PkgPath(), t.Name()); why != "" {
		return t.String() + " is not shareable: " + why
	}
	return ""
}

// errStatic reports whether every value of the error type t is deeply
// immutable when pointers are followed: only scalars, strings, pointers and
// structs/arrays of them, without interfaces, slices, maps, funcs or chans.
func errStatic(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return true
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.String:
		return true
	case reflect.Pointer, reflect.Array:
		if t.Kind() == reflect.Pointer && (registry[t] || declares(t)) {
			return true
		}
		return errStatic(t.Elem(), seen)
	case reflect.Struct:
		if registry[t] || declares(t) {
			return true
		}
		if forbiddenNamed(t) != "" {
			return false
		}
		for i := range t.NumField() {
			if !errStatic(t.Field(i).Type, seen) {
				return false
			}
		}
		return true
	}
	return false
}
