// Package guide holds the code of docs/extensions.md, one package per stage,
// so that every snippet in the guide compiles and is tested.
package guide
