package host

import (
	"sync"

	"go.uber.org/zap"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/node"
)

// The hosts of one actor system share a node when Start is not given one:
// a process holds one node for its life (protoactor-go remote keeps
// process-wide state). The node lives as long as the system: an actor
// closes it when the system stops.
var shared struct {
	mu    sync.Mutex
	nodes map[*actor.System]*node.Node
}

func acquireNode(cx *actor.Context) (*node.Node, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if n, ok := shared.nodes[cx.System()]; ok {
		return n, nil
	}
	n, err := node.Start(cx)
	if err != nil {
		return nil, err
	}
	sys := cx.System()
	if _, err := cx.Spawn(func(acx *actor.Context) (any, error) {
		<-acx.Done()
		shared.mu.Lock()
		delete(shared.nodes, sys)
		shared.mu.Unlock()
		return nil, n.Close()
	}, actor.WithName("host:node")); err != nil {
		_ = n.Close()
		return nil, err
	}
	if shared.nodes == nil {
		shared.nodes = map[*actor.System]*node.Node{}
	}
	shared.nodes[sys] = n
	return n, nil
}

func zapErr(err error) zap.Field {
	if err == nil {
		return zap.Skip()
	}
	return zap.String("error", err.Error())
}
