package advocacy

// Buffered is how many of rd's clicks are not in the outbox yet (a click leaves the buffer once
// its batch is written).
func Buffered(rd *Redirector) int {
	rd.clicks.mu.Lock()
	defer rd.clicks.mu.Unlock()
	return len(rd.clicks.clicks)
}
