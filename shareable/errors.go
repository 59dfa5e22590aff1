package shareable

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
)

// ErrNotShareable is the sentinel wrapped by every *IsolationError:
// errors.Is(err, ErrNotShareable) reports a value that may not cross between
// actors as it is.
var ErrNotShareable = errors.New("shareable: not shareable")

// IsolationError reports a value, or a part of it, that may not be shared by
// reference (Check), copied (Copy), moved (Move) or frozen (Freeze).
//
// It reads like
//
//	shareable: main.Order.Items[2].Notify: func is not shareable
//
// that is the root value's type, the path to the offending part and the
// reason. Building the text never calls a method of the value (String,
// Error...): it uses only types and the path.
type IsolationError struct {
	// Root is the type of the value that was checked, copied, moved or
	// frozen (for an interface, its dynamic type).
	Root reflect.Type
	// Path is the Go expression that leads from the root to the offending
	// part: fields ".Items", indexes "[2]", map keys `["k"]` or "[3]".
	// Pointers and interfaces are transparent. The root itself is "".
	Path string
	// Type is the type of the offending part.
	Type reflect.Type
	// Reason says why the part may not cross, e.g. "func is not shareable".
	Reason string
}

// Error returns the error's message.
func (e *IsolationError) Error() string {
	var b strings.Builder
	b.WriteString("shareable: ")
	if e.Root != nil {
		b.WriteString(e.Root.String())
	} else {
		b.WriteString("<nil>")
	}
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(e.Reason)
	return b.String()
}

// Unwrap returns ErrNotShareable.
func (e *IsolationError) Unwrap() error { return ErrNotShareable }

// pathNode is one step of a path, rendered only when an error is reported.
type pathNode struct {
	parent *pathNode
	seg    string
}

func (p *pathNode) String() string {
	var segs []string
	for ; p != nil; p = p.parent {
		segs = append(segs, p.seg)
	}
	var b strings.Builder
	for i := len(segs) - 1; i >= 0; i-- {
		b.WriteString(segs[i])
	}
	return b.String()
}

func indexSeg(i int) string { return "[" + strconv.Itoa(i) + "]" }

// keySeg renders a map key as an index expression without calling any method
// of the key: strings are quoted with %q rules, numbers and booleans are
// printed as %v would print them, and other keys by their type.
func keySeg(k reflect.Value) string {
	return "[" + formatKey(k, 0) + "]"
}

func formatKey(k reflect.Value, depth int) string {
	switch k.Kind() {
	case reflect.String:
		return strconv.Quote(k.String())
	case reflect.Bool:
		return strconv.FormatBool(k.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(k.Uint(), 10)
	case reflect.Float32:
		return strconv.FormatFloat(k.Float(), 'g', -1, 32)
	case reflect.Float64:
		return strconv.FormatFloat(k.Float(), 'g', -1, 64)
	case reflect.Complex64, reflect.Complex128:
		return strconv.FormatComplex(k.Complex(), 'g', -1, 128)
	case reflect.Interface:
		if k.IsNil() {
			return "nil"
		}
		return formatKey(k.Elem(), depth)
	case reflect.Pointer, reflect.Chan, reflect.UnsafePointer:
		return "(" + k.Type().String() + ")(0x" + strconv.FormatUint(uint64(k.Pointer()), 16) + ")"
	case reflect.Struct, reflect.Array:
		if depth > 2 {
			return k.Type().String() + "{...}"
		}
		var b strings.Builder
		b.WriteString(k.Type().String())
		b.WriteByte('{')
		n := k.Len
		if k.Kind() == reflect.Struct {
			n = k.NumField
		}
		for i := range n() {
			if i > 0 {
				b.WriteString(", ")
			}
			if k.Kind() == reflect.Struct {
				b.WriteString(formatKey(k.Field(i), depth+1))
			} else {
				b.WriteString(formatKey(k.Index(i), depth+1))
			}
		}
		b.WriteByte('}')
		return b.String()
	}
	return k.Type().String()
}
