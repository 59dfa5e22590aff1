// Command crashsafe calls a native function that segfaults on one input
// from several actors, through a host (package host): the crash ends the
// host process, not this one. The tour shows the crash reported with its
// signal, C symbol and calling actor, the host restarted, and every other
// call answered. It exits 0 only when all of that happened.
//
//	go run ./examples/crashsafe
//
// It compiles native/score.c with the C compiler Go uses (go env CC).
package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/host"
)

//go:embed native/score.c
var source string

const (
	actors = 4
	inputs = 40 // 0..39; score(13) segfaults
	bad    = 13
)

func main() {
	host.Serve() // in the host process, this serves and never returns
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "crashsafe:", err)
		if errors.Is(err, errNoCompiler) {
			fmt.Fprintln(os.Stderr, "this example compiles a small C library at run time: install a C compiler (apt-get install gcc)")
		}
		os.Exit(1)
	}
}

// result is what one scoring actor did.
type result struct {
	Actor   string
	Scored  map[int64]int64 // input -> score
	Crashes []string        // crashes of its own calls
	Retried int             // its calls that failed because another actor's call crashed the host
}

func run(w io.Writer) error {
	dir, err := os.MkdirTemp("", "goractor-crashsafe-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	lib, err := buildLib(dir, "score", source)
	if err != nil {
		return err
	}
	return actor.Run(func(cx *actor.Context) error {
		h, err := host.Start(cx, host.WithName("score"))
		if err != nil {
			return err
		}
		defer h.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		x, err := h.Open(ctx, extension.Declaration{Name: "score", Libraries: []string{lib}, Safety: extension.ParallelSafe})
		if err != nil {
			return err
		}
		var score func(int64) (int64, error)
		if err := x.Bind(&score, "score"); err != nil {
			return err
		}
		pid := h.Pid()
		fmt.Fprintf(w, "score.c compiled at run time; host %d (this process %d); %d actors score inputs 0..%d, and score(%d) dereferences NULL\n",
			pid, os.Getpid(), actors, inputs-1, bad)

		refs := make([]*actor.Ref, actors)
		for a := range actors {
			refs[a], err = cx.Spawn(func(acx *actor.Context) (any, error) {
				return scorer(acx, a, score)
			}, actor.WithName(fmt.Sprintf("scorer-%d", a)))
			if err != nil {
				return err
			}
		}
		var crashes []string
		scored, retried := map[int64]int64{}, 0
		for _, ref := range refs {
			v, err := ref.Value(ctx)
			if err != nil {
				return err
			}
			r := v.(result)
			fmt.Fprintf(w, "  %s: %d inputs scored, %d crashes of its own, %d calls retried after another actor's crash\n",
				r.Actor, len(r.Scored), len(r.Crashes), r.Retried)
			for in, s := range r.Scored {
				scored[in] = s
			}
			crashes = append(crashes, r.Crashes...)
			retried += r.Retried
		}
		return verify(w, h, pid, scored, crashes)
	})
}

// scorer scores the inputs i with i%actors == a. A call that crashed the
// host is reported; a call that failed only because another call crashed
// the host (it was in flight at the time) is made again on the restarted
// host: score is a pure function, so that is safe here.
func scorer(acx *actor.Context, a int, score func(int64) (int64, error)) (any, error) {
	r := result{Actor: acx.Name(), Scored: map[int64]int64{}}
	for in := int64(a); in < inputs; in += actors {
		for attempt := 0; ; attempt++ {
			s, err := score(in)
			var ce *host.CrashError
			switch {
			case err == nil:
				r.Scored[in] = s
			case errors.As(err, &ce) && ce.Actor == acx.Name() && ce.Symbol == "score":
				r.Crashes = append(r.Crashes, fmt.Sprintf("score(%d) by %s: %v", in, acx.Name(), err))
			case errors.As(err, &ce) && attempt < 3:
				r.Retried++
				continue
			default:
				return nil, fmt.Errorf("score(%d): %w", in, err)
			}
			break
		}
	}
	return r, nil
}

// verify prints the tour's conclusion and returns an error unless the
// crash was reported with its signal, symbol and actor, the host was
// restarted, and every other input was scored right.
func verify(w io.Writer, h *host.Host, pid int, scored map[int64]int64, crashes []string) error {
	var problems []string
	if len(crashes) != 1 {
		problems = append(problems, fmt.Sprintf("%d crashes reported; want 1", len(crashes)))
	}
	for _, c := range crashes {
		fmt.Fprintf(w, "crash reported: %s\n", c)
	}
	if lc := h.LastCrash(); lc == nil || lc.Signal != "SIGSEGV" || lc.Symbol != "score" || lc.Actor != fmt.Sprintf("scorer-%d", bad%actors) {
		problems = append(problems, fmt.Sprintf("last crash %v; want SIGSEGV in score by scorer-%d", lc, bad%actors))
	} else {
		fmt.Fprintf(w, "the host's report: %s\n", lc.Report)
	}
	if h.Restarts() < 1 || h.Pid() == pid {
		problems = append(problems, fmt.Sprintf("host not restarted (restarts %d, pid %d)", h.Restarts(), h.Pid()))
	} else {
		fmt.Fprintf(w, "host restarted %d time(s): pid %d -> %d; this process (%d) never stopped\n", h.Restarts(), pid, h.Pid(), os.Getpid())
	}
	var missing []string
	for in := int64(0); in < inputs; in++ {
		s, ok := scored[in]
		switch {
		case in == bad && ok:
			problems = append(problems, "score(13) answered")
		case in != bad && (!ok || s != in*in+1):
			missing = append(missing, fmt.Sprint(in))
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		problems = append(problems, "inputs not scored right: "+strings.Join(missing, ","))
	} else {
		fmt.Fprintf(w, "all %d other inputs scored right, before and after the crash\n", inputs-1)
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	fmt.Fprintln(w, "ok")
	return nil
}
