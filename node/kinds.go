package node

import (
	"fmt"
	"sync"

	"github.com/goractor/goractor/actor"
)

// kind is a registered actor kind: a body or a handler producer, and the
// spawn options every instance gets.
type kind struct {
	body     func(*actor.Context) (any, error)
	producer func() actor.Handler
	opts     []actor.SpawnOption
}

var kinds sync.Map // string -> *kind

// RegisterKind registers a body actor kind under name. Another node spawns
// it by name (Node.Spawn); opts (mailbox, Unpinned...) apply to every
// instance. Every node runs the same registrations, so call it from an init
// function. It panics on a name registered twice.
func RegisterKind(name string, body func(*actor.Context) (any, error), opts ...actor.SpawnOption) {
	if body == nil {
		panic("node: RegisterKind with a nil body")
	}
	register(name, &kind{body: body, opts: opts})
}

// RegisterHandlerKind registers a message-handler actor kind under name, as
// RegisterKind does for bodies. Its instances answer requests from any node.
func RegisterHandlerKind(name string, producer func() actor.Handler, opts ...actor.SpawnOption) {
	if producer == nil {
		panic("node: RegisterHandlerKind with a nil producer")
	}
	register(name, &kind{producer: producer, opts: opts})
}

func register(name string, k *kind) {
	if name == "" {
		panic("node: kind with an empty name")
	}
	if _, dup := kinds.LoadOrStore(name, k); dup {
		panic(fmt.Sprintf("node: kind %q registered twice", name))
	}
}

func lookupKind(name string) (*kind, bool) {
	v, ok := kinds.Load(name)
	if !ok {
		return nil, false
	}
	return v.(*kind), true
}
