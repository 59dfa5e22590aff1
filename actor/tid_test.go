package actor

import "github.com/goractor/goractor/internal/osthread"

func gettid() int { return osthread.Gettid() }
