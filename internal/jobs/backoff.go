package jobs

import (
	"context"
	"math/rand/v2"
	"time"
)

// The bounds of Backoff.
const (
	minBackoff = 100 * time.Millisecond
	maxBackoff = 5 * time.Second
)

// Backoff is the wait after the nth consecutive failure (n from 1) of a loop that retries against
// PostgreSQL or Redis, such as the outbox relay or a LISTEN connection: doubling from 100ms up to
// 5s, with jitter (between half the step and the whole of it) so that several processes do not
// retry in step.
func Backoff(n int) time.Duration {
	d := maxBackoff
	if n < 16 {
		d = min(minBackoff<<(max(n, 1)-1), maxBackoff)
	}
	return d/2 + rand.N(d/2+1)
}

// Sleep waits d or until ctx is done, and reports whether ctx is still alive.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
