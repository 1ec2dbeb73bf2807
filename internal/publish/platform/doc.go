// Package platform holds Clearpost's channel adapters: one Adapter per brand-channel platform
// (LinkedIn organization pages, X, Facebook pages, Slack incoming webhooks and generic signed
// webhooks), all behind one interface so the publish worker never knows which platform it is
// talking to.
//
// An adapter is stateless and safe for concurrent use. It takes a channel's decrypted Credentials
// on every call, speaks the platform's documented HTTP API with net/http, and reports failures as
// *Error, which says whether retrying may help. Adapters never put credentials into errors.
//
// Publishing is at-least-once from the worker's point of view; adapters make it effectively
// exactly-once where the platform allows: after a crash left an attempt's outcome unknown, the
// worker calls Find before publishing again. Webhook receivers dedupe by the Idempotency-Key header
// instead (Find returns ErrCannotFind there).
//
// Tests run adapters against the fake platforms of package platformtest; every base URL comes from
// Options and defaults to the real API host.
package platform
