package shareable_test

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/goractor/goractor/shareable"
)

type passFunc struct {
	Name string
	Hook func()
}

type withAny struct{ X any }

type point struct{ X, Y int32 }

func TestPass_ShareableByReference(t *testing.T) {
	arr := [3]int{1, 2, 3}
	frozen := shareable.MustFreeze(map[string]int{"a": 1})
	for _, v := range []any{nil, 1, "s", arr, point{1, 2}, io.EOF, frozen, withAny{X: 5}, []int(nil), []int{}} {
		got, err := shareable.Pass(v)
		if err != nil {
			t.Errorf("Pass(%#v) = %v; want nil error", v, err)
			continue
		}
		if !reflect.DeepEqual(got, v) {
			t.Errorf("Pass(%#v) = %#v; want the same value", v, got)
		}
	}
	// A shareable error keeps its identity, so errors.Is works.
	if got, _ := shareable.Pass(io.EOF); got != io.EOF {
		t.Errorf("Pass(io.EOF) = %v; want io.EOF itself", got)
	}
}

func TestPass_CopiesPlainData(t *testing.T) {
	ints := []int{1, 2, 3, 4}
	ints = ints[:2] // len 2, cap 4: the copy keeps the capacity
	got, err := shareable.Pass(ints)
	if err != nil {
		t.Fatalf("Pass([]int) = %v; want nil", err)
	}
	c := got.([]int)
	if len(c) != 2 || cap(c) != 4 || c[0] != 1 || c[1] != 2 || c[:4][3] != 4 {
		t.Errorf("Pass([]int) = %v (cap %d); want [1 2] with cap 4 and the same spare elements", c, cap(c))
	}
	c[0] = 100
	if ints[0] != 1 {
		t.Errorf("mutating the copy changed the original: %v", ints)
	}

	pts := []point{{1, 2}, {3, 4}}
	got, _ = shareable.Pass(pts)
	gp := got.([]point)
	gp[1].Y = 9
	if pts[1].Y != 4 || !reflect.DeepEqual(gp[0], pts[0]) {
		t.Errorf("[]point copy = %v, original %v; want an independent copy", gp, pts)
	}

	strs := []string{"a", "b"}
	got, _ = shareable.Pass(strs)
	gs := got.([]string)
	gs[0] = "z"
	if strs[0] != "a" {
		t.Errorf("mutating a copied []string changed the original")
	}

	p := &point{1, 2}
	got, _ = shareable.Pass(p)
	if gp := got.(*point); gp == p || *gp != *p {
		t.Errorf("Pass(*point) = %p %v; want a new pointer to an equal value (orig %p)", gp, gp, p)
	}

	m := map[string][]int{"a": {1}}
	got, _ = shareable.Pass(m)
	got.(map[string][]int)["a"][0] = 7
	if m["a"][0] != 1 {
		t.Errorf("mutating a copied map changed the original")
	}

	s := withAny{X: []int{1}}
	got, _ = shareable.Pass(s)
	got.(withAny).X.([]int)[0] = 5
	if s.X.([]int)[0] != 1 {
		t.Errorf("mutating a copied struct changed the original")
	}
}

func TestPass_Refuses(t *testing.T) {
	for _, tc := range []struct {
		v    any
		path string
	}{
		{passFunc{Name: "x", Hook: func() {}}, ".Hook"},
		{[]passFunc{{}, {}, {Hook: func() {}}}, "[2].Hook"},
		{func() {}, ""},
		{&passFunc{Hook: func() {}}, ".Hook"},
		{withAny{X: []func(){func() {}}}, ".X[0]"},
	} {
		got, err := shareable.Pass(tc.v)
		var ie *shareable.IsolationError
		if got != nil || !errors.As(err, &ie) || !errors.Is(err, shareable.ErrNotShareable) {
			t.Errorf("Pass(%T) = %v, %v; want nil, *IsolationError", tc.v, got, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.path) {
			t.Errorf("Pass(%T) error %q; want it to name %q", tc.v, err, tc.path)
		}
	}
}

func TestCopyAny_ShareableTypeIsReturned(t *testing.T) {
	v := any([4]int{1, 2, 3, 4})
	got, err := shareable.CopyAny(v)
	if err != nil || got != v {
		t.Errorf("CopyAny([4]int) = %v, %v; want the same value", got, err)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = shareable.CopyAny(v) }); n != 0 {
		t.Errorf("CopyAny of a shareable type allocates %v times; want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = shareable.Pass(v) }); n != 0 {
		t.Errorf("Pass of a shareable type allocates %v times; want 0", n)
	}
	ints := any(make([]int, 1000))
	if n := testing.AllocsPerRun(100, func() { _, _ = shareable.Pass(ints) }); n > 2 {
		t.Errorf("Pass of []int allocates %v times; want at most 2 (header box and array)", n)
	}
}
