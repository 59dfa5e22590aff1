package shareable_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/goractor/goractor/shareable"
)

// nanMap holds two entries under NaN keys and one under 1.
func nanMap() map[float64]string {
	m := map[float64]string{1: "one"}
	m[math.NaN()] = "a"
	m[math.NaN()] = "b"
	return m
}

// TestMap_NaNKeysKeepTheirValues: a Map built from a map with NaN keys keeps
// every entry in Len, All, Values and Clone, as the Go map does.
func TestMap_NaNKeysKeepTheirValues(t *testing.T) {
	m, err := shareable.NewMap(nanMap())
	if err != nil {
		t.Fatal(err)
	}
	if m.Len() != 3 {
		t.Errorf("Len = %d; want 3", m.Len())
	}
	var vals []string
	for k, v := range m.All() {
		if v == "" {
			t.Errorf("All yielded key %v with the zero value", k)
		}
		vals = append(vals, v)
	}
	slices.Sort(vals)
	if !slices.Equal(vals, []string{"a", "b", "one"}) {
		t.Errorf("All values = %q; want a, b, one", vals)
	}
	vals = slices.Sorted(m.Values())
	if !slices.Equal(vals, []string{"a", "b", "one"}) {
		t.Errorf("Values = %q; want a, b, one", vals)
	}
	if c := m.Clone(); len(c) != 3 {
		t.Errorf("Clone has %d entries; want 3", len(c))
	}
}

// TestFreeze_NaNKeysKeepTheirValues: a frozen map keeps the entries under
// NaN keys.
func TestFreeze_NaNKeysKeepTheirValues(t *testing.T) {
	f, err := shareable.Freeze(nanMap())
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() != 3 {
		t.Errorf("Len = %d; want 3", f.Len())
	}
	fm, ok := f.Map()
	if !ok {
		t.Fatalf("Freeze(map) is not a map node")
	}
	var vals []string
	for _, v := range fm.All() {
		s, ok := shareable.As[string](v)
		if !ok {
			t.Fatalf("As[string](%v) failed", v)
		}
		vals = append(vals, s)
	}
	slices.Sort(vals)
	if !slices.Equal(vals, []string{"a", "b", "one"}) {
		t.Errorf("frozen values = %q; want a, b, one", vals)
	}
	if s := f.String(); !strings.Contains(s, ":a") || !strings.Contains(s, ":b") {
		t.Errorf("String() = %s; want both NaN entries", s)
	}
}

// TestCopy_PointerKeysFollowTheirCopies: a map keyed by pointers is copied
// with keys that point to the copies (new identities), and a pointer to the
// same object elsewhere in the value finds its entry in the copied map.
func TestCopy_PointerKeysFollowTheirCopies(t *testing.T) {
	type node struct{ Name string }
	type graph struct {
		Root  *node
		Marks map[*node]int
	}
	n := &node{"n"}
	g := graph{Root: n, Marks: map[*node]int{n: 7, {"other"}: 1}}
	c, err := shareable.Copy(g)
	if err != nil {
		t.Fatal(err)
	}
	if c.Root == n {
		t.Fatalf("the pointer was shared, not copied")
	}
	if _, ok := c.Marks[n]; ok {
		t.Errorf("the copied map is keyed by the sender's pointer; want the copy's")
	}
	if c.Marks[c.Root] != 7 || len(c.Marks) != 2 {
		t.Errorf("copied map %v: the copied Root finds %d; want 7", c.Marks, c.Marks[c.Root])
	}
}
