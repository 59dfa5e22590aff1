package shareable_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/goractor/goractor/shareable"
)

type Point struct{ X, Y int }

type Item struct {
	Name   string
	Notify any
}

type Order struct {
	ID    int
	Items []Item
}

type withFunc struct {
	A int
	F func()
}

type withMutex struct {
	mu sync.Mutex
	n  int
}

type withChan struct {
	C chan int
}

type withBadChan struct {
	C chan []int
}

type MyBytes []byte

type declared struct{ p *int }

func (declared) ShareableByReference() {}

type declaredPtr struct{ m map[string]int }

func (*declaredPtr) ShareableByReference() {}

// embedsDeclared gets ShareableByReference by promotion only: not trusted.
type embedsDeclared struct {
	declared
	Extra []int
}

type Pair[K comparable, V any] struct {
	K K
	V V
}

type errWithSlice struct{ codes []int }

func (e *errWithSlice) Error() string { return "codes" }

type valueErr struct{ Code int }

func (e valueErr) Error() string { return "value error" }

var ErrSentinel = errors.New("sentinel")

type registeredBox struct{ m map[string]int }

func init() {
	shareable.RegisterType[*registeredBox]()
}

func TestCheckVerdicts(t *testing.T) {
	one := 1
	var nilMap map[string]int
	var nilSlice []int
	var nilPtr *Point
	conn1, conn2 := net.Pipe()
	defer conn1.Close()
	defer conn2.Close()
	tcp := &net.TCPConn{}
	tests := []struct {
		name string
		v    any
		ok   bool
	}{
		{"nil", nil, true},
		{"bool", true, true},
		{"int", 42, true},
		{"int8", int8(1), true},
		{"uint64", uint64(1), true},
		{"uintptr", uintptr(1), true},
		{"float32", float32(1), true},
		{"float64", 1.5, true},
		{"complex128", 1 + 2i, true},
		{"string", "s", true},
		{"array of int", [3]int{1, 2, 3}, true},
		{"empty array of func", [0]func(){}, true},
		{"struct of scalars", Point{1, 2}, true},
		{"generic struct of scalars", Pair[string, int]{"a", 1}, true},
		{"generic struct with slice", Pair[string, []int]{"a", []int{1}}, false},
		{"generic struct with nil slice", Pair[string, []int]{"a", nil}, true},
		{"chan int", make(chan int), true},
		{"chan of shareable struct", make(chan Point), true},
		{"chan of slice", make(chan []int), false},
		{"struct with chan int", withChan{make(chan int)}, true},
		{"struct with chan of slice", withBadChan{make(chan []int)}, false},
		{"struct with nil chan of slice", withBadChan{}, true},
		{"pointer", &one, false},
		{"nil pointer", nilPtr, true},
		{"slice", []int{1}, false},
		{"nil slice", nilSlice, true},
		{"empty zero-cap slice", []int{}, true},
		{"map", map[string]int{"a": 1}, false},
		{"nil map", nilMap, true},
		{"func", func() {}, false},
		{"nil func", (func())(nil), true},
		{"nil unsafe.Pointer", unsafe.Pointer(nil), true},
		{"struct with nil func", withFunc{A: 1}, true},
		{"unsafe.Pointer", unsafe.Pointer(&one), false},
		{"struct with func", withFunc{F: func() {}}, false},
		{"sync.Mutex pointer", &sync.Mutex{}, false},
		{"struct with mutex", &withMutex{}, false},
		{"atomic.Int64 pointer", new(atomic.Int64), false},
		{"os.File", os.Stdout, false},
		{"net.Conn pipe", conn1, false},
		{"net.TCPConn", tcp, false},
		{"reflect.Value", reflect.ValueOf(1), false},
		{"named bytes", MyBytes("x"), false},
		{"declared value", declared{&one}, true},
		{"declared pointer", &declaredPtr{}, true},
		{"declared value via pointer", &declared{&one}, true},
		{"promoted marker is not trusted", embedsDeclared{declared{&one}, []int{1}}, false},
		{"registered type", &registeredBox{map[string]int{}}, true},
		{"regexp", regexp.MustCompile("a+"), true},
		{"reflect.Type", reflect.TypeOf(1), true},
		{"time.Time", time.Now(), true},
		{"time.Location", time.UTC, true},
		{"time.Duration", time.Second, true},
		{"netip.Addr", netip.MustParseAddr("10.0.0.1"), true},
		{"netip.Prefix", netip.MustParsePrefix("10.0.0.0/8"), true},
		{"context.Background", struct{ Ctx context.Context }{context.Background()}, true},
		{"io.EOF", io.EOF, true},
		{"sentinel", ErrSentinel, true},
		{"wrapped sentinel", fmt.Errorf("ctx: %w", ErrSentinel), true},
		{"wrapped twice", fmt.Errorf("outer: %w", fmt.Errorf("inner: %w", io.EOF)), true},
		{"value error", valueErr{3}, true},
		{"error with slice", &errWithSlice{[]int{1}}, false},
		{"joined errors", errors.Join(io.EOF, ErrSentinel), false},
		{"interface holding int", any(3), true},
		{"struct holding interface of int", Item{"a", 3}, true},
		{"struct holding interface of slice", Item{"a", []int{1}}, false},
		{"struct holding interface of func", Item{"a", func() {}}, false},
		{"frozen", shareable.MustFreeze(map[string][]int{"a": {1}}), true},
		{"list", shareable.MustList(1, 2, 3), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := shareable.Check(tt.v)
			if got := err == nil; got != tt.ok {
				t.Fatalf("Check(%T) = %v, want ok=%v", tt.v, err, tt.ok)
			}
			if got := shareable.Shareable(tt.v); got != tt.ok {
				t.Errorf("Shareable = %v, want %v", got, tt.ok)
			}
			if err != nil {
				var ie *shareable.IsolationError
				if !errors.As(err, &ie) {
					t.Fatalf("error %T is not *IsolationError", err)
				}
				if !errors.Is(err, shareable.ErrNotShareable) {
					t.Errorf("errors.Is(err, ErrNotShareable) = false")
				}
				if ie.Root == nil || ie.Type == nil || ie.Reason == "" {
					t.Errorf("incomplete error %#v", ie)
				}
			}
		})
	}
}

func TestCheckErrorPaths(t *testing.T) {
	type Inner struct {
		Fs []func()
	}
	type Outer struct {
		M map[string]Inner
	}
	type Deep struct {
		Arr [4]any
	}
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"example from design", Order{ID: 1, Items: []Item{{"a", 1}, {"b", "x"}, {"c", func() {}}}},
			"shareable: shareable_test.Order.Items[2].Notify: func is not shareable"},
		{"mutable without funcs", Order{ID: 1, Items: []Item{{"a", 1}, {"c", nil}}},
			"shareable: shareable_test.Order.Items: slice is mutable: copy, move or freeze it"},
		{"func root", func() {}, "shareable: func(): func is not shareable"},
		{"struct with func", withFunc{F: func() {}}, "shareable: shareable_test.withFunc.F: func is not shareable"},
		{"mutex field", &withMutex{}, "shareable: *shareable_test.withMutex.mu: " + mutexReason},
		{"chan of slice", make(chan []int), "shareable: chan []int: chan of []int is not shareable: its element type is not shareable"},
		{"array element", Deep{Arr: [4]any{1, 2, unsafe.Pointer(nil), unsafe.Pointer(&Point{})}}, "shareable: shareable_test.Deep.Arr[3]: unsafe.Pointer is not shareable"},
		{"os.File", os.Stdout, "shareable: *os.File: " + fileReason},
		{"map", map[int]int{}, "shareable: map[int]int: map is mutable: copy, move or freeze it"},
		{"interface of pointer in struct", Item{"a", &Point{}}, "shareable: shareable_test.Item.Notify: pointer is mutable: copy, move or freeze it"},
		{"slice of func", Inner{Fs: []func(){nil, func() {}}}, "shareable: shareable_test.Inner.Fs[1]: func is not shareable"},
		{"error with slice", &errWithSlice{[]int{1}}, "shareable: *shareable_test.errWithSlice.codes: slice is mutable: copy, move or freeze it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := shareable.Check(tt.v)
			if err == nil {
				t.Fatalf("Check = nil, want %q", tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("Check error\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

// TestCrossErrorPaths checks the paths reported when a value cannot be
// copied or moved.
func TestCrossErrorPaths(t *testing.T) {
	type Inner struct{ Fs []func() }
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"example from design", Order{ID: 1, Items: []Item{{"a", 1}, {"b", "x"}, {"c", func() {}}}},
			"shareable: shareable_test.Order.Items[2].Notify: func is not shareable"},
		{"map key", map[string]any{"k": make(chan []byte)},
			`shareable: map[string]interface {}["k"]: chan of []uint8 is not shareable: its element type is not shareable`},
		{"int map key", map[int][]any{3: {unsafe.Pointer(nil), unsafe.Pointer(&Point{})}},
			`shareable: map[int][]interface {}[3][1]: unsafe.Pointer is not shareable`},
		{"pointer transparent", &Item{"a", &Item{"b", func() {}}}, "shareable: *shareable_test.Item.Notify.Notify: func is not shareable"},
		{"slice of func in struct", Inner{Fs: []func(){nil, nil, func() {}}}, "shareable: shareable_test.Inner.Fs[2]: func is not shareable"},
		{"nil parts first", []any{(func())(nil), 2, func() {}}, "shareable: []interface {}[2]: func is not shareable"},
		{"mutex behind pointer", struct{ M *sync.Mutex }{&sync.Mutex{}}, "shareable: struct { M *sync.Mutex }.M: " + mutexReason},
		{"root func", func() {}, "shareable: func(): func is not shareable"},
		{"stringer key never called", map[panicky]any{{"x"}: func() {}}, `shareable: map[shareable_test.panicky]interface {}[shareable_test.panicky{"x"}]: func is not shareable`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := shareable.CopyAny(tt.v)
			if err == nil {
				t.Fatalf("CopyAny = nil error, want %q", tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("CopyAny error\n got: %s\nwant: %s", got, tt.want)
			}
			v := tt.v
			_, err = shareable.MoveAny(&v)
			if err == nil || err.Error() != tt.want {
				t.Errorf("MoveAny error\n got: %v\nwant: %s", err, tt.want)
			}
			if v == nil {
				t.Errorf("failed MoveAny cleared the variable")
			}
		})
	}
}

// panicky has String and Error methods that panic: error text must never
// call them (reliability A10).
type panicky struct{ s string }

func (panicky) String() string { panic("String called") }
func (panicky) Error() string  { panic("Error called") }

func TestErrorsNeverCallUserMethods(t *testing.T) {
	v := struct {
		P panicky
		F func()
	}{panicky{"x"}, func() {}}
	err := shareable.Check(v)
	if err == nil || !strings.Contains(err.Error(), ".F: func is not shareable") {
		t.Fatalf("Check = %v", err)
	}
	if _, err := shareable.Copy(map[panicky][]int{{"a"}: {1}}); err != nil {
		t.Fatalf("Copy = %v", err)
	}
}

func TestCheckType(t *testing.T) {
	if err := shareable.CheckType(reflect.TypeFor[Point]()); err != nil {
		t.Errorf("CheckType(Point) = %v, want nil", err)
	}
	err := shareable.CheckType(reflect.TypeFor[withFunc]())
	if err == nil || !strings.Contains(err.Error(), "depends on the value") {
		t.Errorf("CheckType(withFunc) = %v", err)
	}
	err = shareable.CheckType(reflect.TypeFor[func()]())
	if err == nil || err.Error() != "shareable: func(): shareability depends on the value: only a nil func crosses (func is not shareable)" {
		t.Errorf("CheckType(withFunc) = %v", err)
	}
	if err := shareable.CheckType(reflect.TypeFor[[]int]()); err == nil {
		t.Errorf("CheckType([]int) = nil, want an error")
	}
	if err := shareable.CheckType(nil); err != nil {
		t.Errorf("CheckType(nil) = %v", err)
	}
}

func TestCheckCyclesTerminate(t *testing.T) {
	type node struct {
		Next *node
		Err  error
	}
	a := &node{}
	a.Next = a
	if err := shareable.Check(a); err == nil {
		t.Fatalf("Check(cycle) = nil, want mutable")
	}
	// An error graph with a cycle through an interface is walked in error mode.
	c := &cyclicErr{}
	c.next = c
	if err := shareable.Check(c); err != nil {
		t.Fatalf("Check(cyclic error) = %v, want nil", err)
	}
}

type cyclicErr struct{ next error }

func (e *cyclicErr) Error() string { return "cyclic" }

func TestCheckDeepGraphs(t *testing.T) {
	n := deepDepth(t)
	var head error = io.EOF
	for range n {
		head = &cyclicErr{next: head}
	}
	if err := shareable.Check(head); err != nil {
		t.Fatalf("Check(deep error chain) = %v", err)
	}
	var nested any = 1
	for range n {
		nested = []any{nested}
	}
	if err := shareable.Check(nested); err == nil {
		t.Fatalf("Check(nested slices) = nil")
	}
	c, err := shareable.CopyAny(nested)
	if err != nil {
		t.Fatalf("CopyAny(nested) = %v", err)
	}
	depth := 0
	for {
		s, ok := c.([]any)
		if !ok {
			break
		}
		depth++
		c = s[0]
	}
	if depth != n || c != 1 {
		t.Fatalf("copied depth %d leaf %v, want %d 1", depth, c, n)
	}
}

// TestRegister registers a type made for each run (the registry is
// process-wide), so that it passes with -count above one.
func TestRegister(t *testing.T) {
	typ := reflect.PointerTo(reflect.StructOf([]reflect.StructField{
		{Name: "M", Type: reflect.TypeFor[map[int]int]()},
		{Name: "Run" + strconv.Itoa(int(registerRuns.Add(1))), Type: reflect.TypeFor[int]()},
	}))
	pv := reflect.New(typ.Elem())
	pv.Elem().Field(0).Set(reflect.ValueOf(map[int]int{1: 1}))
	v := pv.Interface()
	if shareable.Shareable(v) {
		t.Fatalf("unregistered %v is shareable", typ)
	}
	if shareable.Registered(typ) {
		t.Fatalf("Registered before Register")
	}
	shareable.Register(typ)
	if !shareable.Registered(typ) {
		t.Fatalf("Registered after Register = false")
	}
	if err := shareable.Check(v); err != nil {
		t.Fatalf("registered Check = %v", err)
	}
	c, err := shareable.CopyAny(v)
	if err != nil || c != v {
		t.Fatalf("Copy of registered value = %p, %v; want the same pointer %p", c, err, v)
	}
	// A struct holding the registered type is now shareable as a whole.
	holder := reflect.New(reflect.StructOf([]reflect.StructField{{Name: "L", Type: typ}})).Elem()
	holder.Field(0).Set(pv)
	if err := shareable.Check(holder.Interface()); err != nil {
		t.Fatalf("Check(struct{L %v}) = %v", typ, err)
	}
	type local struct{ m map[int]int }
	shareable.RegisterType[*local]()
	if !shareable.Registered(reflect.TypeFor[*local]()) {
		t.Errorf("RegisterType did not register")
	}
	defer func() {
		if recover() == nil {
			t.Errorf("Register(nil) did not panic")
		}
	}()
	shareable.Register(nil)
}

var registerRuns atomic.Int64

// The reasons of two refusals, with what to do instead.
const (
	mutexReason = "sync.Mutex is not shareable: it must not be copied: send the data it guards, or declare the type that owns it shareable if that type is safe for concurrent use"
	fileReason  = "os.File is not shareable: it is an OS resource: send the data, a path or an address, or keep the handle in one actor and send it requests"
)

func TestCheckAllocs(t *testing.T) {
	v := any(Point{1, 2})
	shareable.Check(v)
	if n := testing.AllocsPerRun(100, func() { _ = shareable.Check(v) }); n != 0 {
		t.Errorf("Check(Point) allocs = %v, want 0", n)
	}
	e := any(io.EOF)
	if n := testing.AllocsPerRun(100, func() { _ = shareable.Check(e) }); n != 0 {
		t.Errorf("Check(io.EOF) allocs = %v, want 0", n)
	}
}
