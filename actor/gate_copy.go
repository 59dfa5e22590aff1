package actor

import "github.com/goractor/goractor/shareable"

var (
	copyAny = shareable.CopyAny
	moveAny = shareable.MoveAny
)
