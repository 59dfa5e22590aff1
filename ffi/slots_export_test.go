package ffi

// SetSlotsFull sets the flag that sends typed calls to the shards, as when
// the thread slot table is full; it returns the previous value.
func SetSlotsFull(v bool) bool { return slotsFull.Swap(v) }
