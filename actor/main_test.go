package actor

import (
	"context"
	"testing"
	"time"

	"github.com/goractor/goractor/internal/testlib"
)

// helpers are the programs subprocess tests run (testlib.ProgramCmd): each
// test file adds its own in init.
var helpers = map[string]func() int{}

func TestMain(m *testing.M) { testlib.Main(m, helpers, testlib.ThrottleIgnore) }

// size picks a load-test size: full, under -short, or under -race.
func size(t testing.TB, full, short, race int) int {
	n := full
	switch {
	case raceEnabled:
		n = race
	case testing.Short():
		n = short
	}
	t.Logf("size %d (race=%v short=%v)", n, raceEnabled, testing.Short())
	return n
}

func bg() context.Context { return context.Background() }

// timeout bounds one wait of a test: long enough that only a hang reaches
// it, also on a machine loaded many times over (a 30 s bound failed waits
// that took 33 s at load average 30), and ending before the test binary's
// own deadline, so that a hang fails its test rather than the binary.
func timeout(t testing.TB) context.Context {
	d := 2 * time.Minute
	if dt, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if end, ok := dt.Deadline(); ok {
			d = min(d, time.Until(end)-10*time.Second)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// run runs main as a test's main actor and fails the test on error.
func run(t *testing.T, main func(ctx *Context) error, opts ...Option) {
	t.Helper()
	if err := Run(main, opts...); err != nil {
		t.Fatalf("Run() = %v; want nil", err)
	}
}

// threadSlack is how many threads above the baseline a test accepts once all
// its actors are gone. The Go runtime keeps idle Ms parked for later syscalls
// and GC work instead of destroying them, and how many it has made depends on
// load (seen: base+5 on a busy 2-core machine). A leak of actor threads shows
// up as one thread per actor (hundreds in these tests), far above this.
const threadSlack = 16

// settleThreads waits until the process's thread count is at most want, or
// gives up after a few seconds, and returns the last count.
func settleThreads(want int) int {
	n := testlib.Threads()
	for i := 0; i < 200 && n > want; i++ {
		time.Sleep(20 * time.Millisecond)
		n = testlib.Threads()
	}
	return n
}
