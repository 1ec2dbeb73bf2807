package notify

// SetHubHooks sets the hub's test hooks: listening is called with the backend pid each time LISTEN
// succeeds (after catching up), reconnecting before each reconnection. Call before Run.
func SetHubHooks(h *Hub, listening func(pid uint32), reconnecting func()) {
	h.listening, h.reconnecting = listening, reconnecting
}

// SetSweepHook sets a function Sweep calls once it has listed what is due, before firing any.
func SetSweepHook(s *Service, f func()) { s.sweepListed = f }
