package main

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/ffi"
)

//go:embed native/eventsrc.c
var source string

func main() {
	if err := run(os.Stdout, 4, 2000); err != nil {
		fmt.Fprintln(os.Stderr, "foreigncallback:", err)
		if errors.Is(err, errNoCompiler) {
			fmt.Fprintln(os.Stderr, "this example compiles a small C library at run time: install a C compiler (apt-get install gcc)")
		}
		os.Exit(1)
	}
}

// eventsrc is the library, bound.
type eventsrc struct {
	run   func(cb uintptr, n, m int32) int64
	start func(cb uintptr, n, m int32) int32
	join  func() int64
}

func open(path string) (*eventsrc, *ffi.Library, error) {
	l, err := ffi.Open(path)
	if err != nil {
		return nil, nil, err
	}
	var e eventsrc
	err = l.BindAll(ffi.Binding{Symbol: "run_sources", Target: &e.run},
		ffi.Binding{Symbol: "start_sources", Target: &e.start},
		ffi.Binding{Symbol: "join_sources", Target: &e.join})
	if err != nil {
		_ = l.Close()
		return nil, nil, err
	}
	return &e, l, nil
}

// tally is an actor's state, updated by its callback: no locks, because the
// callback runs inside the actor.
type tally struct {
	events   int
	perSrc   map[int32]int
	lastSeq  map[int32]int32
	ordered  bool // each source's events arrived in order
	threads  map[int]bool
	messages int // messages the actor processed meanwhile
}

func newTally() *tally {
	return &tally{perSrc: map[int32]int{}, lastSeq: map[int32]int32{}, ordered: true, threads: map[int]bool{}}
}

func (t *tally) event(source, seq int32) int32 {
	t.events++
	t.perSrc[source]++
	if last, ok := t.lastSeq[source]; ok && seq != last+1 {
		t.ordered = false
	}
	t.lastSeq[source] = seq
	t.threads[gettid()] = true
	return seq + 1
}

// summary is what an actor reports: shareable values only.
type summary struct {
	Tid, Events, Threads, Messages int
	Sum                            int64
	Ordered                        bool
	Counts                         string
}

func (t *tally) summary(tid int, sum int64) summary {
	return summary{Tid: tid, Events: t.events, Threads: len(t.threads), Messages: t.messages, Sum: sum,
		Ordered: t.ordered, Counts: fmt.Sprint(t.perSrc)}
}

// run builds the library and runs both scenarios with n threads of m events.
func run(w io.Writer, n, m int) error {
	dir, err := os.MkdirTemp("", "goractor-eventsrc-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path, err := buildLib(dir, "eventsrc", source)
	if err != nil {
		return err
	}
	lib, l, err := open(path)
	if err != nil {
		return err
	}
	defer l.Close()
	// Each callback returns seq+1: the C side sums them.
	want := int64(n) * int64(m) * int64(m+1) / 2

	return actor.Run(func(ctx *actor.Context) error {
		fmt.Fprintf(w, "eventsrc.c compiled at run time; %d threads x %d events each\n", n, m)
		check := func(name string, v any, err error) error {
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			s := v.(summary)
			fmt.Fprintf(w, "  actor on thread %d; %d events from %d foreign threads %s, in order per source: %v; C summed %d\n",
				s.Tid, s.Events, s.Threads, s.Counts, s.Ordered, s.Sum)
			switch {
			case s.Events != n*m || s.Sum != want:
				return fmt.Errorf("%s: %d events, sum %d; want %d and %d", name, s.Events, s.Sum, n*m, want)
			case !s.Ordered:
				return fmt.Errorf("%s: events of one source arrived out of order", name)
			case s.Threads != n && gettid() != 0: // thread ids are read on Linux only
				return fmt.Errorf("%s: callbacks came from %d threads; want %d", name, s.Threads, n)
			}
			return nil
		}

		fmt.Fprintln(w, "1. blocking: the actor waits in run_sources while the threads call back")
		start := time.Now()
		blocking, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
			t := newTally()
			cb, err := ffi.NewCallback(t.event, ffi.ThreadSafe(), ffi.CallbackName("event"))
			if err != nil {
				return nil, err
			}
			defer cb.Close()
			sum := lib.run(cb.Ptr(), int32(n), int32(m))
			return t.summary(cx.ThreadID(), sum), nil
		}, actor.WithName("blocking"))
		if err != nil {
			return err
		}
		v, err := blocking.Value(ctx)
		if err := check("blocking", v, err); err != nil {
			return err
		}
		fmt.Fprintf(w, "  %v (%.1f µs per event)\n", time.Since(start).Round(time.Millisecond),
			float64(time.Since(start).Microseconds())/float64(n*m))

		fmt.Fprintln(w, "2. concurrent: start_sources returns; the actor handles messages while events arrive")
		concurrent, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
			t := newTally()
			cb, err := ffi.NewCallback(t.event, ffi.ThreadSafe(), ffi.CallbackName("event"))
			if err != nil {
				return nil, err
			}
			defer cb.Close()
			if lib.start(cb.Ptr(), int32(n), int32(m)) != 0 {
				return nil, errors.New("start_sources: pthread_create failed")
			}
			for {
				msg, err := cx.Receive() // callbacks run inside the actor while it waits here
				if err != nil {
					return nil, err
				}
				if msg == "stop" {
					break
				}
				t.messages++
			}
			sum := lib.join() // native join: the token is lent again
			return t.summary(cx.ThreadID(), sum), nil
		}, actor.WithName("concurrent"))
		if err != nil {
			return err
		}
		for i := range 1000 {
			if err := concurrent.Send(i); err != nil {
				return err
			}
		}
		if err := concurrent.Send("stop"); err != nil {
			return err
		}
		v, err = concurrent.Value(ctx)
		if err := check("concurrent", v, err); err != nil {
			return err
		}
		if s := v.(summary); s.Messages != 1000 {
			return fmt.Errorf("the actor processed %d messages meanwhile; want 1000", s.Messages)
		}
		fmt.Fprintln(w, "  and it processed 1000 messages meanwhile")
		st := ffi.ReadCallbackStats()
		fmt.Fprintf(w, "callbacks: fired %d, delivered %d, exceptional %d\n", st.Fired, st.Delivered, st.Exceptional())
		if st.Exceptional() != 0 {
			return fmt.Errorf("%d callbacks got the exceptional value", st.Exceptional())
		}
		return nil
	})
}
