package node

import (
	"sync"

	proto "github.com/asynkron/protoactor-go/actor"
)

// endpointDispatcher runs the endpoint actor's mailbox on one long-lived
// goroutine. protoactor's default dispatcher starts a goroutine each time
// a mailbox that ran dry gets a message; such a goroutine starts on the
// smallest stack, and decoding an envelope (protobuf), decoding its value
// (CBOR) and queueing it to its actor grow that stack, copied each time
// (runtime.newstack, about 5 % of a serving node's CPU at 64 concurrent
// requesters). The worker keeps its grown stack from one run to the next.
//
// A protoactor mailbox schedules at most one run at a time (its
// schedulerStatus CAS from idle to running), and a run never schedules
// another (processMessages loops instead), so the channel's one slot is
// free whenever Schedule is called while the worker runs. Should it not be,
// Schedule falls back to a goroutine, as protoactor's dispatcher does. The
// channel hands the run to the worker with a happens-before edge from
// Schedule to the run; the mailbox's own atomics order one run after the
// other, on whichever goroutine each runs.
//
// After close, Schedule starts a goroutine per run again: the endpoint
// actor has stopped by then, and its mailbox may still get messages
// through a PID that caches its process.
type endpointDispatcher struct {
	mu     sync.Mutex
	closed bool
	runs   chan func()   // capacity 1; closed by close, under mu
	done   chan struct{} // closed when the worker has returned
}

var _ proto.Dispatcher = (*endpointDispatcher)(nil)

// endpointThroughput is protoactor's default: the messages a mailbox run
// handles before it yields the processor.
const endpointThroughput = 300

func newEndpointDispatcher() *endpointDispatcher {
	d := &endpointDispatcher{runs: make(chan func(), 1), done: make(chan struct{})}
	go d.work()
	return d
}

func (d *endpointDispatcher) work() {
	defer close(d.done)
	for run := range d.runs {
		run()
	}
}

func (d *endpointDispatcher) Schedule(run func()) {
	d.mu.Lock()
	if !d.closed {
		select {
		case d.runs <- run:
			d.mu.Unlock()
			return
		default:
		}
	}
	d.mu.Unlock()
	go run()
}

func (d *endpointDispatcher) Throughput() int { return endpointThroughput }

// close ends the worker once it has run what was scheduled before, and
// waits for it. It is idempotent.
func (d *endpointDispatcher) close() {
	d.mu.Lock()
	if !d.closed {
		d.closed = true
		close(d.runs)
	}
	d.mu.Unlock()
	<-d.done
}
