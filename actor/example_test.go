package actor_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/shareable"
)

func ExampleRun() {
	err := actor.Run(func(ctx *actor.Context) error {
		fmt.Println("main actor:", ctx.Name(), ctx.IsMain())
		return nil
	})
	fmt.Println("err:", err)
	// Output:
	// main actor: main true
	// err: <nil>
}

func ExampleContext_Spawn() {
	_ = actor.Run(func(ctx *actor.Context) error {
		adder, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
			sum := cx.Args()[0].(int)
			for {
				msg, err := cx.Receive()
				if err != nil {
					return nil, err
				}
				if msg == "done" {
					return sum, nil
				}
				sum += msg.(int)
			}
		}, actor.WithName("adder"), actor.WithArgs(100))
		if err != nil {
			return err
		}
		for i := 1; i <= 3; i++ {
			_ = adder.Send(i)
		}
		_ = adder.Send("done")
		v, err := adder.Value(context.Background())
		fmt.Println(v, err)
		_, err = adder.Value(context.Background())
		fmt.Println(errors.Is(err, actor.ErrValueTaken))
		return nil
	})
	// Output:
	// 106 <nil>
	// true
}

type Order struct {
	ID    int
	Items []string
}

type Job struct {
	Name string
	Run  func()
}

func ExampleRef_Send() {
	_ = actor.Run(func(ctx *actor.Context) error {
		shop, _ := ctx.Spawn(func(cx *actor.Context) (any, error) {
			msg, err := cx.Receive()
			if err != nil {
				return nil, err
			}
			o := msg.(*Order)
			o.Items[0] = "changed by the receiver" // its own copy
			return len(o.Items), nil
		})
		o := &Order{ID: 1, Items: []string{"tea", "milk"}}
		err := shop.Send(o) // plain data: deep-copied
		fmt.Println("copy:", err)

		err = shop.Send(Job{Name: "cleanup", Run: func() {}}) // a func cannot cross
		var ie *shareable.IsolationError
		fmt.Println(errors.As(err, &ie), err)

		n, _ := shop.Value(context.Background())
		fmt.Println(n, o.Items[0])
		return nil
	})
	// Output:
	// copy: <nil>
	// true shareable: actor_test.Job.Run: func is not shareable
	// 2 tea
}

func ExampleSelect() {
	_ = actor.Run(func(ctx *actor.Context) error {
		results := ctx.NewPort()
		worker, _ := ctx.Spawn(func(cx *actor.Context) (any, error) {
			out := cx.Args()[0].(*actor.Port)
			_ = out.Send("partial result")
			return "final result", nil
		}, actor.WithArgs(results))
		for range 2 {
			sel, err := actor.Select(context.Background(), actor.CasePort(results), actor.CaseValue(worker))
			if err != nil {
				return err
			}
			fmt.Println(sel.Index, sel.Value)
		}
		return nil
	})
	// Output:
	// 0 partial result
	// 1 final result
}

func ExampleContext_SpawnHandler() {
	_ = actor.Run(func(ctx *actor.Context) error {
		counter, _ := ctx.SpawnHandler(func() actor.Handler {
			n := 0 // fresh for every incarnation
			return actor.HandlerFunc(func(hc *actor.HandlerContext, msg any) {
				switch msg {
				case "inc":
					n++
					_ = hc.Respond(n)
				case "crash":
					panic("crash")
				}
			})
		}, actor.WithName("counter"))
		v, _ := counter.Request(context.Background(), "inc")
		fmt.Println(v)
		_, err := counter.Request(context.Background(), "crash")
		fmt.Println(err)
		v, _ = counter.Request(context.Background(), "inc")
		fmt.Println(v) // restarted with fresh state
		return nil
	})
	// Output:
	// 1
	// actor: "counter" failed: panic: crash
	// 1
}
