package node_test

import (
	"context"
	"fmt"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/node"
)

// Point is a message type both nodes register.
type Point struct{ X, Y int }

func init() {
	node.RegisterType[Point]("example.Point")
	node.RegisterHandlerKind("example.norm", func() actor.Handler {
		return actor.HandlerFunc(func(hc *actor.HandlerContext, msg any) {
			if p, ok := msg.(Point); ok {
				_ = hc.Respond(p.X*p.X + p.Y*p.Y)
			}
		})
	})
}

// A node spawns an actor of a registered kind on another node (here at
// 127.0.0.1:7000, a process of the same binary that called node.Start with
// node.WithAddress("127.0.0.1:7000")) and requests from it.
func ExampleNode_Spawn() {
	err := actor.Run(func(cx *actor.Context) error {
		n, err := node.Start(cx)
		if err != nil {
			return err
		}
		defer n.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		norm, err := n.Spawn(ctx, "127.0.0.1:7000", "example.norm")
		if err != nil {
			return err // wraps actor.ErrNodeDown if nothing answers there
		}
		v, err := norm.Request(ctx, Point{3, 4})
		if err != nil {
			return err
		}
		fmt.Println(v) // 25
		return norm.Stop(ctx)
	})
	if err != nil {
		fmt.Println(err)
	}
}
