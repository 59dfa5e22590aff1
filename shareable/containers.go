package shareable

import (
	"cmp"
	"iter"
	"reflect"
	"slices"
)

// List is an immutable sequence. Its elements are shareable (checked once,
// when the list is built), so a List is shared by reference between actors,
// and no method returns a reference into its storage. The zero List is empty.
// A List is safe for concurrent use.
type List[T any] struct {
	s []T
}

// ShareableByReference marks List as shareable: see Declared.
func (List[T]) ShareableByReference() {}

// NewList returns a List holding a copy of items. Every element must be
// shareable (Check); otherwise the error is an *IsolationError whose path
// starts with the element's index. Freeze an element first to store mutable
// data.
func NewList[T any](items []T) (List[T], error) {
	if err := checkElems(reflect.TypeFor[[]T](), items); err != nil {
		return List[T]{}, err
	}
	return List[T]{s: slices.Clone(items)}, nil
}

// ListOf is NewList(items).
func ListOf[T any](items ...T) (List[T], error) { return NewList(items) }

// MustList is like ListOf but panics on error; for package initialization.
func MustList[T any](items ...T) List[T] {
	l, err := NewList(items)
	if err != nil {
		panic(err)
	}
	return l
}

// checkElems checks each element of s unless the element type alone is
// shareable.
func checkElems[T any](root reflect.Type, s []T) error {
	ti := infoOf(reflect.TypeFor[T]())
	if ti.verdict == vShare {
		return nil
	}
	for i := range s {
		if err := Check(any(s[i])); err != nil {
			return rebase(err, root, indexSeg(i))
		}
	}
	return nil
}

// rebase puts a Check error of a part under the given root and path prefix.
func rebase(err error, root reflect.Type, prefix string) error {
	ie := err.(*IsolationError)
	return &IsolationError{Root: root, Path: prefix + ie.Path, Type: ie.Type, Reason: ie.Reason}
}

// Len returns the number of elements.
func (l List[T]) Len() int { return len(l.s) }

// At returns the i'th element. It panics if i is out of range.
func (l List[T]) At(i int) T { return l.s[i] }

// All iterates over the indexes and elements in order.
func (l List[T]) All() iter.Seq2[int, T] {
	return func(yield func(int, T) bool) {
		for i, v := range l.s {
			if !yield(i, v) {
				return
			}
		}
	}
}

// Values iterates over the elements in order.
func (l List[T]) Values() iter.Seq[T] {
	return func(yield func(T) bool) {
		for _, v := range l.s {
			if !yield(v) {
				return
			}
		}
	}
}

// Slice returns a new slice holding the elements; changing it does not
// change the list.
func (l List[T]) Slice() []T { return slices.Clone(l.s) }

// Map is an immutable map. Its keys and values are shareable (checked once,
// when the map is built), so a Map is shared by reference between actors,
// and no method returns a reference into its storage. All, Keys and Values
// iterate in ascending key order when the keys are strings, integers or
// floats, and otherwise in an unspecified order that is the same for every
// iteration. The zero Map is empty. A Map is safe for concurrent use.
//
// Entries under NaN keys are kept: All, Values, Len and Clone see them, as
// they see them in a Go map, though Get cannot find them (NaN != NaN).
type Map[K comparable, V any] struct {
	m    map[K]V // for Get
	keys []K     // every entry, NaN keys included, in iteration order
	vals []V     // vals[i] is stored under keys[i]
}

// ShareableByReference marks Map as shareable: see Declared.
func (Map[K, V]) ShareableByReference() {}

// NewMap returns a Map holding a copy of m. Every key and value must be
// shareable (Check); otherwise the error is an *IsolationError whose path
// starts with the key.
func NewMap[K comparable, V any](m map[K]V) (Map[K, V], error) {
	root := reflect.TypeFor[map[K]V]()
	kti, vti := infoOf(reflect.TypeFor[K]()), infoOf(reflect.TypeFor[V]())
	if kti.verdict != vShare || vti.verdict != vShare {
		for k, v := range m {
			if err := Check(any(k)); err != nil {
				return Map[K, V]{}, rebase(err, root, keySeg(reflect.ValueOf(&k).Elem()))
			}
			if err := Check(any(v)); err != nil {
				return Map[K, V]{}, rebase(err, root, keySeg(reflect.ValueOf(&k).Elem()))
			}
		}
	}
	out := Map[K, V]{m: make(map[K]V, len(m)), keys: make([]K, 0, len(m)), vals: make([]V, 0, len(m))}
	for k, v := range m {
		out.m[k] = v
		out.keys = append(out.keys, k)
		out.vals = append(out.vals, v)
	}
	sortEntries(out.keys, out.vals)
	return out, nil
}

// MustMap is like NewMap but panics on error; for package initialization.
func MustMap[K comparable, V any](m map[K]V) Map[K, V] {
	out, err := NewMap(m)
	if err != nil {
		panic(err)
	}
	return out
}

// Len returns the number of entries.
func (m Map[K, V]) Len() int { return len(m.keys) }

// Get returns the value stored under k and whether it is present.
func (m Map[K, V]) Get(k K) (V, bool) {
	v, ok := m.m[k]
	return v, ok
}

// All iterates over the entries (see Map for the order).
func (m Map[K, V]) All() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		for i, k := range m.keys {
			if !yield(k, m.vals[i]) {
				return
			}
		}
	}
}

// Keys iterates over the keys (see Map for the order).
func (m Map[K, V]) Keys() iter.Seq[K] {
	return func(yield func(K) bool) {
		for _, k := range m.keys {
			if !yield(k) {
				return
			}
		}
	}
}

// Values iterates over the values in key order (see Map).
func (m Map[K, V]) Values() iter.Seq[V] {
	return func(yield func(V) bool) {
		for _, v := range m.vals {
			if !yield(v) {
				return
			}
		}
	}
}

// Clone returns a new Go map holding the entries; changing it does not change
// m.
func (m Map[K, V]) Clone() map[K]V {
	out := make(map[K]V, len(m.m))
	for k, v := range m.m {
		out[k] = v
	}
	return out
}

// sortEntries orders keys, and vals with them, when the keys' dynamic kinds
// are all strings, all signed integers, all unsigned integers or all floats
// (NaNs first). Other key sets keep the order they were collected in.
func sortEntries[K comparable, V any](keys []K, vals []V) {
	idx := keyOrder(keys)
	if idx == nil {
		return
	}
	sk, sv := make([]K, len(keys)), make([]V, len(vals))
	for i, j := range idx {
		sk[i], sv[i] = keys[j], vals[j]
	}
	copy(keys, sk)
	copy(vals, sv)
}

// keyOrder returns the sorted order of keys, or nil to keep theirs.
func keyOrder[K comparable](keys []K) []int {
	if len(keys) < 2 {
		return nil
	}
	vals := make([]reflect.Value, len(keys))
	var kind reflect.Kind
	for i := range keys {
		v := reflect.ValueOf(any(keys[i]))
		if !v.IsValid() {
			return nil
		}
		k := basicKind(v.Kind())
		if i == 0 {
			kind = k
		} else if k != kind {
			return nil
		}
		vals[i] = v
	}
	idx := make([]int, len(keys))
	for i := range idx {
		idx[i] = i
	}
	var less func(a, b reflect.Value) int
	switch kind {
	case reflect.String:
		less = func(a, b reflect.Value) int { return cmp.Compare(a.String(), b.String()) }
	case reflect.Int:
		less = func(a, b reflect.Value) int { return cmp.Compare(a.Int(), b.Int()) }
	case reflect.Uint:
		less = func(a, b reflect.Value) int { return cmp.Compare(a.Uint(), b.Uint()) }
	case reflect.Float64:
		less = func(a, b reflect.Value) int { return cmp.Compare(a.Float(), b.Float()) }
	default:
		return nil
	}
	slices.SortStableFunc(idx, func(a, b int) int { return less(vals[a], vals[b]) })
	return idx
}

func basicKind(k reflect.Kind) reflect.Kind {
	switch k {
	case reflect.String:
		return reflect.String
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return reflect.Int
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return reflect.Uint
	case reflect.Float32, reflect.Float64:
		return reflect.Float64
	}
	return reflect.Invalid
}
