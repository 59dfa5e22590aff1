package shareable

import (
	"reflect"
	"strings"
)

// NameReason returns why no value of the named type pkgPath.name may cross
// between actors, judging by the name alone as the send gate does, with what to
// send instead: the OS resources (os.File, net.TCPConn...), runtime
// machinery (reflect.Value, time.Timer, strings.Builder...), the types of
// packages sync and sync/atomic. It returns "" for every other name. A
// generic type is named with or without its type arguments. goractor vet
// (package vet) judges types with it, so that the two agree.
func NameReason(pkgPath, name string) string {
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i] // generic instantiation
	}
	if why := osResources[namedType{pkgPath, name}]; why != "" {
		return why
	}
	switch pkgPath {
	case "sync":
		return "it must not be copied: send the data it guards, or declare the type that owns it shareable if that type is safe for concurrent use"
	case "sync/atomic":
		return "atomics must not be copied: send the value it holds (Load)"
	}
	return ""
}

// RegisteredTypes returns the types registered so far, in no particular
// order: the ones this package registers itself (*regexp.Regexp,
// time.Time, *time.Timer...) and those passed to Register.
// goractor vet reads it to know the pre-registered types.
func RegisteredTypes() []reflect.Type {
	buildMu.Lock()
	defer buildMu.Unlock()
	ts := make([]reflect.Type, 0, len(registry))
	for t := range registry {
		ts = append(ts, t)
	}
	return ts
}
