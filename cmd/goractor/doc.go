// Command goractor is goractor's command line: a conformance check of a
// native library described by a manifest (goractor check), and the
// subcommands other files register.
//
// Usage:
//
//	goractor <command> [arguments]
//
// Run "goractor help" for the list of commands.
package main
