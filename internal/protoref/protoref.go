// Package protoref is the module's own way under an actor to the
// protoactor-go substrate, for package node (remote transport) and the bench
// command's protoactor baselines; it is not part of the public API, because
// protoactor-go has no stable API and messages sent through it bypass the
// isolation gate and the counters. Package actor sets Of when it is
// initialized.
package protoref

import proto "github.com/asynkron/protoactor-go/actor"

// Of returns the actor system under ref (an *actor.Ref) and the actor's PID
// (nil for a body actor, which protoactor does not know).
var Of func(ref any) (*proto.ActorSystem, *proto.PID)
