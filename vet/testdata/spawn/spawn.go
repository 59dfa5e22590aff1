// Package spawn holds the cases of the spawn-capture check.
package spawn

import "github.com/goractor/goractor/actor"

func positives(cx *actor.Context) {
	count := 0
	_, _ = cx.Spawn(func(*actor.Context) (any, error) {
		count++ // want `goractor: the spawned closure captures count and writes it \(line 9\)`
		return nil, nil
	})

	name := "a"
	_, _ = cx.Spawn(func(*actor.Context) (any, error) {
		return name, nil // want `captures name, which its creator writes after the spawn \(line 17\)`
	})
	name = "b"

	items := []int{1, 2}
	_, _ = cx.SpawnHandler(func() actor.Handler {
		return actor.HandlerFunc(func(hc *actor.HandlerContext, msg any) {
			_ = hc.Respond(len(items)) // want `captures items, which its creator writes after the spawn`
		})
	})
	items[0] = 3

	total := 0
	for i := range 3 {
		total += i
		_, _ = cx.Spawn(func(*actor.Context) (any, error) {
			return total, nil // want `captures total, which its creator writes after the spawn`
		})
	}
}

func negatives(cx *actor.Context) {
	name := "a"
	_, _ = cx.Spawn(func(*actor.Context) (any, error) {
		return name, nil // read only, never written after
	})

	for i := range 3 {
		_, _ = cx.Spawn(func(*actor.Context) (any, error) {
			return i, nil // per-iteration variable
		})
	}

	_, _ = cx.Spawn(func(*actor.Context) (any, error) {
		n := 0
		n++ // the closure's own variable
		return n, nil
	})

	state := 0
	state++ // written before the spawn only
	_, _ = cx.Spawn(func(*actor.Context) (any, error) {
		return state, nil
	})

	hits := 0
	_, _ = cx.Spawn(func(*actor.Context) (any, error) {
		hits++ //goractor:ignore the test reads hits only after the actor ended
		return nil, nil
	})
}
