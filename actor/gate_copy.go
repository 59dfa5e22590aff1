package actor

import "github.com/goractor/goractor/shareable"

var moveAny = shareable.MoveAny
