package osthread

import "sync/atomic"

type atomicCounter struct{ v atomic.Int64 }

func (c *atomicCounter) add()        { c.v.Add(1) }
func (c *atomicCounter) load() int64 { return c.v.Load() }
