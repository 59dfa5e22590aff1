package safety_test

import (
	"errors"
	"fmt"

	"github.com/goractor/goractor/safety"
)

func ExampleUnsafeError() {
	var err error = &safety.UnsafeError{Op: "call", Extension: "libfoo", Function: "bar", Actor: "worker-3", Err: safety.ErrNotParallelSafe}
	fmt.Println(err)
	var ue *safety.UnsafeError
	fmt.Println(errors.As(err, &ue), ue.Actor, errors.Is(err, safety.ErrNotParallelSafe))
	// Output:
	// safety: call "libfoo.bar" from actor "worker-3": not parallel-safe, only the main actor may call it
	// true worker-3 true
}
