// Command goractor-vet is goractor vet: it reports, at compile time, the
// isolation mistakes that goractor's run-time send and call gates would refuse or cannot
// see (package github.com/goractor/goractor/vet lists the checks).
//
// Run it on packages directly, or as a vet tool:
//
//	goractor-vet ./...
//	go install github.com/goractor/goractor/cmd/goractor-vet
//	go vet -vettool=$(go env GOPATH)/bin/goractor-vet ./...
//
// -fix applies the suggested fixes. A //goractor:ignore comment on the
// reported line, or alone on the line above, silences it.
package main

import (
	"golang.org/x/tools/go/analysis/singlechecker"

	"github.com/goractor/goractor/vet"
)

func main() { singlechecker.Main(vet.Analyzer) }
