package actorbench

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"
	"github.com/ebitengine/purego"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/internal/cbuild"
	"github.com/goractor/goractor/internal/dl"
)

// Names of the measurements, as `goractor bench` reports them.
const (
	PingPongPinned        = "goractor.pingpong.pinned"
	PingPongPinnedSpin    = "goractor.pingpong.pinned_spin20us"
	PingPongPinnedHandler = "goractor.pingpong.pinned_handler"
	PingPongUnpinned      = "goractor.pingpong.unpinned"
	BaselineProto         = "goractor.baseline.protoactor_pingpong"
	BaselineCSem          = "goractor.baseline.c_sem_pingpong"
	SendShareable         = "goractor.send.shareable_array1000"
	SendCopy              = "goractor.send.copy_array1000_int"
	BaselineClone         = "goractor.baseline.clone_1000_int"
)

// Measure runs the named measurement with n operations and returns the time
// per operation.
func Measure(name string, n int) (time.Duration, error) {
	switch name {
	case PingPongPinned:
		return PinnedPingPong(n)
	case PingPongPinnedSpin:
		return PinnedPingPong(n, actor.WithSpin(20*time.Microsecond))
	case PingPongPinnedHandler:
		return HandlerPingPong(n, false)
	case PingPongUnpinned:
		return HandlerPingPong(n, true)
	case BaselineProto:
		return ProtoPingPong(n)
	case BaselineCSem:
		return CSemPingPong(n)
	case SendShareable:
		return SendOneWay(n, false)
	case SendCopy:
		return SendOneWay(n, true)
	case BaselineClone:
		return CloneInts(n)
	case BaselineChanCopy:
		return ChanCopy(n)
	}
	return 0, fmt.Errorf("actorbench: unknown measurement %q", name)
}

// Names lists the measurements in reporting order.
func Names() []string {
	return []string{PingPongPinned, BaselineCSem, PingPongPinnedSpin, PingPongPinnedHandler, PingPongUnpinned, BaselineProto, SendShareable, SendCopy, BaselineClone, BaselineChanCopy}
}

var errWrongReply = errors.New("actorbench: wrong reply")

// PinnedPingPong measures a round trip between two pinned body actors, each
// on its own OS thread: ping sends, pong receives and sends back.
func PinnedPingPong(n int, opts ...actor.Option) (time.Duration, error) {
	var per time.Duration
	err := actor.Run(func(ctx *actor.Context) error {
		pong, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
			m, err := cx.Receive()
			if err != nil {
				return nil, err
			}
			ping := m.(*actor.Ref)
			for {
				m, err := cx.Receive()
				if err != nil {
					return nil, nil // closed: done
				}
				if err := ping.Send(m); err != nil {
					return nil, err
				}
			}
		}, actor.WithName("pong"))
		if err != nil {
			return err
		}
		ping, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
			pong := cx.Args()[0].(*actor.Ref)
			if err := pong.Send(cx.Self()); err != nil {
				return nil, err
			}
			var msg any = 1
			start := time.Now()
			for range n {
				if err := pong.Send(msg); err != nil {
					return nil, err
				}
				if _, err := cx.Receive(); err != nil {
					return nil, err
				}
			}
			return time.Since(start), nil
		}, actor.WithName("ping"), actor.WithArgs(pong))
		if err != nil {
			return err
		}
		v, err := ping.Value(context.Background())
		if err != nil {
			return err
		}
		per = v.(time.Duration) / time.Duration(n)
		return pong.Stop(context.Background())
	}, opts...)
	return per, err
}

// HandlerPingPong measures a round trip between two message-handler actors
// (HandlerContext.Send to the peer, reply to Sender), pinned or unpinned.
func HandlerPingPong(n int, unpinned bool) (time.Duration, error) {
	var per time.Duration
	var sopts []actor.SpawnOption
	if unpinned {
		sopts = append(sopts, actor.Unpinned())
	}
	type start struct {
		peer *actor.Ref
		done *actor.Port
	}
	err := actor.Run(func(ctx *actor.Context) error {
		pong, err := ctx.SpawnHandler(func() actor.Handler {
			return actor.HandlerFunc(func(hc *actor.HandlerContext, msg any) {
				if _, ok := msg.(int); ok {
					_ = hc.Send(hc.Sender(), msg)
				}
			})
		}, sopts...)
		if err != nil {
			return err
		}
		ping, err := ctx.SpawnHandler(func() actor.Handler {
			var count int
			var began time.Time
			var done *actor.Port
			return actor.HandlerFunc(func(hc *actor.HandlerContext, msg any) {
				switch m := msg.(type) {
				case *start:
					done = m.done
					began = time.Now()
					_ = hc.Send(m.peer, 1)
				case int:
					count++
					if count < n {
						_ = hc.Send(hc.Sender(), m)
					} else {
						_ = done.Send(time.Since(began))
					}
				}
			})
		}, sopts...)
		if err != nil {
			return err
		}
		done := ctx.NewPort()
		if err := ping.Send(&start{peer: pong, done: done}); err != nil {
			return err
		}
		v, err := done.Receive(context.Background())
		if err != nil {
			return err
		}
		per = v.(time.Duration) / time.Duration(n)
		return nil
	})
	return per, err
}

// ProtoPingPong is the protoactor-go baseline for HandlerPingPong(unpinned):
// two plain protoactor actors on its default dispatcher and mailbox,
// Request/Respond.
func ProtoPingPong(n int) (time.Duration, error) {
	sys := proto.NewActorSystem(proto.WithLoggerFactory(discardLogger))
	defer sys.Shutdown()
	done := make(chan time.Duration, 1)
	pong := sys.Root.Spawn(proto.PropsFromFunc(func(c proto.Context) {
		if m, ok := c.Message().(int); ok {
			c.Respond(m)
		}
	}))
	type start struct{}
	var count int
	var began time.Time
	ping := sys.Root.Spawn(proto.PropsFromFunc(func(c proto.Context) {
		switch m := c.Message().(type) {
		case *start:
			began = time.Now()
			c.Request(pong, 1)
		case int:
			count++
			if count < n {
				c.Request(pong, m)
			} else {
				done <- time.Since(began)
			}
		}
	}))
	sys.Root.Send(ping, &start{})
	d := <-done
	_ = sys.Root.StopFuture(ping).Wait()
	_ = sys.Root.StopFuture(pong).Wait()
	return d / time.Duration(n), nil
}

// SendOneWay measures one-way sends from the main actor to a pinned body
// actor that receives them: a [1000]int array (shareable, passed by
// reference) or, with copy, a []int of 1000 elements (deep-copied per send).
func SendOneWay(n int, copy bool, opts ...actor.Option) (time.Duration, error) {
	var msg any
	if copy {
		s := make([]int, 1000)
		for i := range s {
			s[i] = i
		}
		msg = s
	} else {
		var a [1000]int
		for i := range a {
			a[i] = i
		}
		msg = a
	}
	var per time.Duration
	err := actor.Run(func(ctx *actor.Context) error {
		sink, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
			for i := range n {
				if _, err := cx.Receive(); err != nil {
					return i, err
				}
			}
			return n, nil
		}, actor.WithName("sink"))
		if err != nil {
			return err
		}
		start := time.Now()
		for range n {
			if err := sink.Send(msg); err != nil {
				return err
			}
		}
		if _, err := sink.Value(context.Background()); err != nil {
			return err
		}
		per = time.Since(start) / time.Duration(n)
		return nil
	}, opts...)
	return per, err
}

// cloneSink keeps CloneInts' copies observable.
var cloneSink []int

// CloneInts is the baseline for SendOneWay(copy): slices.Clone of the same
// 1000-int slice, as an interface value like a message, with nothing sent.
// Its allocation and memmove are the floor of any deep copy of that message.
func CloneInts(n int) (time.Duration, error) {
	s := make([]int, 1000)
	for i := range s {
		s[i] = i
	}
	var msg any = s
	start := time.Now()
	for range n {
		cloneSink = slices.Clone(msg.([]int))
	}
	return time.Since(start) / time.Duration(n), nil
}

//go:embed testdata/sem_pingpong.c
var semSource string

var semLib = sync.OnceValues(func() (func(int32) float64, error) {
	dir, err := os.MkdirTemp("", "goractor-actorbench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "sem_pingpong.c")
	if err := os.WriteFile(src, []byte(semSource), 0o600); err != nil {
		return nil, err
	}
	lib := filepath.Join(dir, "libsem_pingpong.so")
	if err := cbuild.SharedLib(lib, []string{src}); err != nil {
		return nil, err
	}
	h, err := dl.Open(lib)
	if err != nil {
		return nil, fmt.Errorf("actorbench: dlopen %s: %w", lib, err)
	}
	var fn func(int32) float64
	purego.RegisterLibFunc(&fn, h, "sem_pingpong_us")
	return fn, nil
})

// CSemPingPong is the C baseline: two pthreads ping-ponging over POSIX
// semaphores (sem_post/sem_wait), built with the system C compiler and
// called through purego.
func CSemPingPong(n int) (time.Duration, error) {
	fn, err := semLib()
	if err != nil {
		return 0, err
	}
	us := fn(int32(n))
	if us < 0 {
		return 0, errors.New("actorbench: pthread_create failed")
	}
	return time.Duration(us * 1e3), nil
}

// IdleRSS spawns n pinned body actors that wait in Receive and returns the
// growth of the process's resident set size per actor, in bytes.
func IdleRSS(n int) (int64, error) {
	var per int64
	err := actor.Run(func(ctx *actor.Context) error {
		before, err := rss()
		if err != nil {
			return err
		}
		refs := make([]*actor.Ref, n)
		started := ctx.NewPort()
		for i := range refs {
			r, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
				if err := started.Send(true); err != nil {
					return nil, err
				}
				_, err := cx.Receive()
				if errors.Is(err, actor.ErrClosed) {
					err = nil
				}
				return nil, err
			}, actor.WithArgs())
			if err != nil {
				return err
			}
			refs[i] = r
		}
		for range n {
			if _, err := started.Receive(context.Background()); err != nil {
				return err
			}
		}
		time.Sleep(100 * time.Millisecond) // let the actors park
		after, err := rss()
		if err != nil {
			return err
		}
		per = (after - before) / int64(n)
		return nil
	})
	return per, err
}

// rss returns the resident set size from /proc/self/statm.
func rss() (int64, error) {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0, errors.New("actorbench: bad /proc/self/statm")
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0, err
	}
	return pages * int64(os.Getpagesize()), nil
}
