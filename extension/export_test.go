package extension

// SwapDefault installs r as the default registry and returns a function that
// restores the previous one, for this package's tests:
//
//	t.Cleanup(SwapDefault(NewRegistry()))
func SwapDefault(r *Registry) (restore func()) {
	if r == nil {
		panic("extension: SwapDefault with nil registry")
	}
	_registryMu.Lock()
	old := _registry
	_registry = r
	_registryMu.Unlock()
	return func() {
		_registryMu.Lock()
		_registry = old
		_registryMu.Unlock()
	}
}
