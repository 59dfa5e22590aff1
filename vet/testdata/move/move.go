// Package move holds the cases of the use-after-move check.
package move

import (
	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/shareable"
)

func use(any) {}

func positives(r *actor.Ref, p *actor.Port) {
	buf := []byte("x")
	_ = r.SendMove(&buf)
	use(buf) // want `goractor: buf is read after it was moved at line 13: the move cleared it`

	m := map[string]int{}
	if err := p.SendMove(&m); err != nil {
		return
	}
	m["a"] = 1 // want `m is read after it was moved`

	s := []int{1}
	_, _ = shareable.Move(&s)
	s = append(s, 2) // want `s is read after it was moved`

	c := []int{1}
	switch len(c) {
	case 1:
		_ = r.SendMove(&c)
		use(c) // want `c is read after it was moved`
	}

	var x any = []int{1}
	_, _ = shareable.MoveAny(&x)
	for range 2 {
		use(x) // want `x is read after it was moved`
	}
}

func negatives(r *actor.Ref) {
	buf := []byte("x")
	_ = r.SendMove(&buf)
	buf = []byte("y") // assigned again
	use(buf)

	b2 := []byte("x")
	err := r.SendMove(&b2)
	if err != nil {
		use(b2) // the move failed: b2 is intact
	}

	fn := func() {}
	_ = r.SendMove(&fn) // the gate refuses a func: fn stays
	use(fn)

	b3 := []byte("x")
	if len(b3) > 0 {
		_ = r.SendMove(&b3) // moved only on one path
	}
	use(b3)

	b5 := []byte("x")
	switch {
	case r.SendMove(&b5) == nil: // a case's expression: not followed
		use(b5)
	}

	b4 := []byte("x")
	_ = r.SendMove(&b4)
	use(b4) //goractor:ignore reading the cleared slice on purpose
}
