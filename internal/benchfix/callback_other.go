//go:build !(darwin || freebsd || linux || netbsd)

package benchfix

import (
	"errors"
	"fmt"
	"runtime"
)

// MeasureCallback needs dlopen, which purego offers only on the Unix platforms; here
// it is refused with an error naming the platform.
func MeasureCallback(libPath, name string, n int) (float64, error) {
	return 0, fmt.Errorf("benchfix: callback measure %s: dynamic loading on %s/%s: %w", name, runtime.GOOS, runtime.GOARCH, errors.ErrUnsupported)
}
