package jobs

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	for _, tc := range []struct {
		n        int
		min, max time.Duration
	}{
		{0, 50 * ms, 100 * ms}, // as the first failure
		{1, 50 * ms, 100 * ms},
		{2, 100 * ms, 200 * ms},
		{3, 200 * ms, 400 * ms},
		{6, 1600 * ms, 3200 * ms},
		{7, 2500 * ms, 5000 * ms}, // 6.4s, capped
		{16, 2500 * ms, 5000 * ms},
		{1000, 2500 * ms, 5000 * ms},
	} {
		for range 200 {
			if d := Backoff(tc.n); d < tc.min || d > tc.max {
				t.Fatalf("Backoff(%d) = %v, want between %v and %v", tc.n, d, tc.min, tc.max)
			}
		}
	}
}
