package webhooks

import "context"

// WithRetry returns ctx as asynq hands it to a task that was retried `retried` times and may be
// retried maxRetry times in all.
func WithRetry(ctx context.Context, retried, maxRetry int) context.Context {
	return context.WithValue(ctx, retryKey{}, retryInfo{retried: retried, max: maxRetry})
}
