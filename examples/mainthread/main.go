package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/safety"
)

// Declarations of the two extensions, registered in init as an extension
// package does.
var (
	OnMain = extension.Declaration{
		Name:      "mainonly",
		Libraries: []string{"libc.so.6", "libc.so"},
		Safety:    extension.NotParallelSafe,
		Policy:    extension.OnMain,
		Affinity:  extension.MainThread,
	}
	Strict = extension.Declaration{
		Name:      "mainonly-strict",
		Libraries: []string{"libc.so.6", "libc.so"},
		Safety:    extension.NotParallelSafe,
		Affinity:  extension.MainThread,
	}
)

func init() {
	extension.MustRegister(OnMain)
	extension.MustRegister(Strict)
}

func main() {
	if err := run(os.Stdout, 4, 25); err != nil {
		fmt.Fprintln(os.Stderr, "mainthread:", err)
		os.Exit(1)
	}
}

// trace counts the routes the call gate took, per extension.
type trace struct {
	mu     sync.Mutex
	routes map[string]int
}

func (t *trace) record(ci extension.CallInfo) {
	t.mu.Lock()
	t.routes[ci.Extension+" "+ci.Route.String()]++
	t.mu.Unlock()
}

// gettid is the library: one function, bound through an extension.
type gettid func() (int32, error)

func load(name string, tr *trace) (gettid, func() error, error) {
	x, err := extension.Load(name, extension.WithTrace(tr.record))
	if err != nil {
		return nil, nil, err
	}
	var fn gettid
	if err := x.Bind(&fn, "gettid"); err != nil {
		_ = x.Close()
		return nil, nil, err
	}
	return fn, x.Close, nil
}

// report is what a worker sends back.
type report struct {
	Tid          int   // the worker's own thread
	Seen         []int // threads the library reported, one per call
	StrictErr    string
	StrictWrong  bool // the strict call wrapped safety.ErrWrongThread
	StrictUnsafe bool // ... inside a *safety.UnsafeError
}

// run starts workers actors that each call the main-thread-only function
// calls times, and checks every call ran on the main actor's thread.
func run(w io.Writer, workers, calls int) error {
	tr := &trace{routes: map[string]int{}}
	onMain, closeOnMain, err := load(OnMain.Name, tr)
	if err != nil {
		return err
	}
	defer closeOnMain()
	strict, closeStrict, err := load(Strict.Name, tr)
	if err != nil {
		return err
	}
	defer closeStrict()

	return actor.Run(func(ctx *actor.Context) error {
		mainTid := ctx.ThreadID()
		where := "the process's main thread"
		if mainTid != os.Getpid() {
			where = "a dedicated thread (run was not called from main())"
		}
		fmt.Fprintf(w, "main actor on thread %d, %s; pid %d\n", mainTid, where, os.Getpid())
		got, err := onMain()
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "main actor calls the library: it runs on thread %d\n", got)

		refs := make([]*actor.Ref, workers)
		for i := range refs {
			refs[i], err = ctx.Spawn(func(cx *actor.Context) (any, error) {
				rep := report{Tid: cx.ThreadID()}
				for range calls {
					tid, err := onMain() // forwarded to the main actor and awaited
					if err != nil {
						return nil, err
					}
					rep.Seen = append(rep.Seen, int(tid))
				}
				_, err := strict()
				var ue *safety.UnsafeError
				rep.StrictUnsafe = errors.As(err, &ue)
				rep.StrictWrong = errors.Is(err, safety.ErrWrongThread)
				if err != nil {
					rep.StrictErr = err.Error()
				}
				return rep, nil
			}, actor.WithName(fmt.Sprintf("worker-%d", i)))
			if err != nil {
				return err
			}
		}
		var strictErr string
		for _, r := range refs {
			wctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			v, err := r.Value(wctx) // while it waits, the main actor runs the forwarded calls
			cancel()
			if err != nil {
				return err
			}
			rep := v.(report)
			if rep.Tid == mainTid {
				return fmt.Errorf("%s runs on the main actor's thread", r.Name())
			}
			for _, tid := range rep.Seen {
				if tid != mainTid {
					return fmt.Errorf("%s: the library ran on thread %d, not on the main thread %d", r.Name(), tid, mainTid)
				}
			}
			fmt.Fprintf(w, "%s on thread %d: %d calls, all ran on thread %d\n", r.Name(), rep.Tid, len(rep.Seen), mainTid)
			if !rep.StrictUnsafe || !rep.StrictWrong {
				return fmt.Errorf("%s: strict call error %q; want *safety.UnsafeError wrapping ErrWrongThread", r.Name(), rep.StrictErr)
			}
			if strictErr == "" {
				strictErr = rep.StrictErr
			}
		}
		fmt.Fprintf(w, "strict extension from a worker -> %s\n", strictErr)
		tr.mu.Lock()
		defer tr.mu.Unlock()
		fmt.Fprintf(w, "call gate routes: mainonly on-main %d, direct %d; mainonly-strict refused %d\n",
			tr.routes["mainonly on-main"], tr.routes["mainonly direct"], tr.routes["mainonly-strict refused"])
		if n := tr.routes["mainonly on-main"]; n != workers*calls {
			return fmt.Errorf("%d calls forwarded to the main actor; want %d", n, workers*calls)
		}
		return nil
	})
}
