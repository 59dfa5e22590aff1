// C fixture for D14 (reliability.md §4.4): a library whose destructor calls a
// callback it stored earlier, when the library is unloaded (dlclose at Close,
// or process exit). By then the callback may be closed and its actor gone.
#include <stdint.h>

typedef intptr_t (*cb1)(intptr_t);

static cb1 stored;
static intptr_t *out; // C memory (malloc), written by the destructor

void dtor_store(cb1 cb, intptr_t *o) { stored = cb; out = o; }

__attribute__((destructor)) static void dtor_call(void) {
	if (stored && out) *out = stored(7);
}
