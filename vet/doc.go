// Package vet is goractor's static analyzer: it finds, at compile time, the
// isolation mistakes that the run-time send and call gates would refuse or that race
// behind the send gate's back. Analyzer runs on golang.org/x/tools/go/analysis;
// cmd/goractor-vet ships it as a vet tool:
//
//	go install github.com/goractor/goractor/cmd/goractor-vet@latest
//	go vet -vettool=$(go env GOPATH)/bin/goractor-vet ./...
//
// # Checks
//
//   - sendgate: a value passed to Ref.Send, SendContext, TrySend, Request,
//     HandlerContext.Send, Respond, Port.Send or WithArgs, or returned from a
//     body, that the send gate (package shareable) will certainly refuse: a
//     type holding a sync or sync/atomic value, an OS resource (os.File,
//     net.TCPConn...) or reflect.Value by value, or a func, unsafe.Pointer or
//     chan of a non-shareable element that is visibly non-nil (a func literal,
//     a declared function, a method value, &x, make, new, or a struct or
//     array literal holding one). The message names the part with the path
//     the send gate's *shareable.IsolationError gives. Values whose verdict
//     depends on what the program stores at run time (a func variable, an
//     interface, a pointer that may be nil) are not reported: the send gate
//     accepts a nil func.
//   - move: a variable read after SendMove or shareable.Move/MoveAny cleared
//     it.
//   - spawn: a closure passed to Spawn or SpawnHandler that captures a local
//     variable which the closure writes, or which its creator writes after
//     the spawn (or before it, in a loop around it): the actor's thread and
//     the creator then share memory the send gate never saw.
//   - unpinned: a native call (ffi.Func.Call/CallErrno, purego.SyscallN, or
//     a function that makes one, across packages) in the body of an actor
//     spawned with Unpinned. The suggested fix removes Unpinned().
//   - signature: a constant text signature given to ffi.ParseSignature or
//     ffi.MustSignature that ffi.ParseSignature refuses; the message is
//     ParseSignature's own.
//
// Each diagnostic's Category is the name of the check that made it (`go vet
// -json` prints it).
//
// A comment //goractor:ignore on the reported line, or alone on the line
// above it, silences that line.
//
// # Limits
//
// Types registered with shareable.Register or RegisterType are shared by
// the send gate, and types with a copier (RegisterCopier) copied by it. The
// analyzer knows the types the send gate registers itself
// (shareable.RegisteredTypes) and those registered in the package being
// analyzed or its dependencies, not those registered by a package that
// does not import the sender.
package vet
