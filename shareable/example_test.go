package shareable_test

import (
	"errors"
	"fmt"

	"github.com/goractor/goractor/shareable"
)

func ExampleCheck() {
	type Item struct {
		Name   string
		Notify any
	}
	type Order struct {
		ID    int
		Items []Item
	}
	fmt.Println(shareable.Check(42))
	fmt.Println(shareable.Check(struct{ X, Y int }{1, 2}))

	order := Order{ID: 7, Items: []Item{{"a", 1}, {"b", "x"}, {"c", func() {}}}}
	// A slice is mutable: it can cross only as a copy (or by Move/Freeze).
	fmt.Println(shareable.Check(Order{ID: 7, Items: []Item{{"a", 1}}}))
	// A nil func shares nothing; a non-nil one may never cross.
	fmt.Println(shareable.Check(Item{"d", (func())(nil)}))
	// The copy is refused because of the func, and the error names it.
	_, err := shareable.Copy(order)
	fmt.Println(err)
	var ie *shareable.IsolationError
	if errors.As(err, &ie) {
		fmt.Printf("path %s, part %v\n", ie.Path, ie.Type)
	}
	fmt.Println(errors.Is(err, shareable.ErrNotShareable))
	// Output:
	// <nil>
	// <nil>
	// shareable: shareable_test.Order.Items: slice is mutable: copy, move or freeze it
	// <nil>
	// shareable: shareable_test.Order.Items[2].Notify: func is not shareable
	// path .Items[2].Notify, part func()
	// true
}

func ExampleCopy() {
	type Node struct {
		Name string
		Next *Node
		Tags []string
	}
	a := &Node{Name: "a", Tags: []string{"x"}}
	a.Next = a // a cycle
	c, err := shareable.Copy(a)
	if err != nil {
		panic(err)
	}
	c.Tags[0] = "changed"
	fmt.Println(c != a, c.Next == c, a.Tags[0], c.Tags[0])

	// Error values with an immutable graph are shared, so errors.Is still
	// works after crossing.
	errMissing := errors.New("missing")
	msg := struct{ Err error }{fmt.Errorf("lookup: %w", errMissing)}
	got, _ := shareable.Copy(msg)
	fmt.Println(errors.Is(got.Err, errMissing))
	// Output:
	// true true x changed
	// true
}

func ExampleMove() {
	buf := []byte("payload")
	moved, err := shareable.Move(&buf)
	fmt.Println(string(moved), buf == nil, err)

	type Job struct{ Done func() }
	job := Job{Done: func() {}}
	_, err = shareable.Move(&job)
	fmt.Println(err)
	fmt.Println(job.Done != nil) // a failed Move leaves the variable alone
	// Output:
	// payload true <nil>
	// shareable: shareable_test.Job.Done: func is not shareable
	// true
}

func ExampleFreeze() {
	type Limits struct {
		CPU, Mem int
	}
	type Config struct {
		Name   string
		Ports  []int
		Limits map[string]Limits
	}
	cfg := &Config{Name: "svc", Ports: []int{80, 443}, Limits: map[string]Limits{"web": {2, 512}}}
	f, err := shareable.Freeze(cfg)
	if err != nil {
		panic(err)
	}
	cfg.Ports[0] = 8080 // the snapshot does not see later changes

	fmt.Println(f)
	fmt.Println(shareable.Check(f)) // shared by reference
	port, _ := f.Lookup("Ports", 0)
	fmt.Println(port)
	web, _ := f.Lookup("Limits", "web")
	limits, _ := shareable.As[Limits](web)
	fmt.Println(limits.Mem)
	// Output:
	// {svc [80 443] map[web:{2 512}]}
	// <nil>
	// 80
	// 512
}

func ExampleNewMap() {
	m, _ := shareable.NewMap(map[string]int{"b": 2, "a": 1})
	for k, v := range m.All() {
		fmt.Println(k, v)
	}
	_, err := shareable.NewMap(map[string][]int{"k": {1}})
	fmt.Println(err)
	// Output:
	// a 1
	// b 2
	// shareable: map[string][]int["k"]: slice is mutable: copy, move or freeze it
}

// Token declares itself shareable: its values are never mutated after
// construction.
type Token struct{ claims map[string]string }

func (Token) ShareableByReference() {}

func ExampleDeclared() {
	t := Token{claims: map[string]string{"sub": "alice"}}
	fmt.Println(shareable.Check(t))
	// Output:
	// <nil>
}
