//go:build cgo

#include "_cgo_export.h"

void goractor_cgoprime_call(void) { goractorCgoprimeGo(); }
