package shareable

import "strings"

// NameReason returns why no value of the named type pkgPath.name may cross
// between actors, judging by the name alone as the gate does: "it must not
// be copied" for the types of package sync, "atomics must not be copied"
// for sync/atomic, "it is an OS resource" for os.File, net.TCPConn and the
// like. It returns "" for every other name. A generic type is named without
// its type arguments. goractor vet (package vet) judges types with it, so
// that the two agree.
func NameReason(pkgPath, name string) string {
	switch pkgPath {
	case "sync":
		return "it must not be copied"
	case "sync/atomic":
		return "atomics must not be copied"
	}
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	return osResources[namedType{pkgPath, name}]
}
