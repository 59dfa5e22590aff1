package actorbench

import (
	"slices"
	"time"
)

// BaselineChanCopy is the Go baseline of SendCopy (the peers' figure
// go.chan.send_copy_array1000_int, measured in the same run): one goroutine
// sends slices.Clone of a 1000-int slice, as an interface value, over a
// buffered channel to another that receives them.
const BaselineChanCopy = "goractor.baseline.go_chan.send_copy_array1000_int"

// ChanCopy measures BaselineChanCopy: the time per message from the first
// send to the last receive.
func ChanCopy(n int) (time.Duration, error) {
	s := make([]int, 1000)
	for i := range s {
		s[i] = i
	}
	ch := make(chan any, 1024)
	done := make(chan int)
	go func() {
		got := 0
		for range n {
			got += len((<-ch).([]int))
		}
		done <- got
	}()
	start := time.Now()
	for range n {
		ch <- slices.Clone(s)
	}
	<-done
	return time.Since(start) / time.Duration(n), nil
}
