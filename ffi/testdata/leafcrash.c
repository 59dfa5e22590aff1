// leafcrash: a leaf function that faults when given NULL.
int leaf_deref(const int *p) { return *p; }
