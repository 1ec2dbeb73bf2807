// Package audit is Clearpost's append-only, hash-chained audit log. State changes record events in
// their own transaction (Record); a sealer assigns chain positions and hashes shortly after and
// signs checkpoints; Verify recomputes the chain and names the first broken event.
//
// Each organization has its own chain. The event at seq n (1, 2, ...) has
//
//	hash = SHA-256(prev_hash || canonical bytes)
//
// where prev_hash is the hash of the event at seq n-1, or 32 zero bytes for seq 1. The canonical
// bytes are one JSON object, without spaces, keys in this order:
//
//	{"org_id":"<uuid>","seq":<n>,"event_id":<id>,"occurred_at":"2006-01-02T15:04:05.000000Z",
//	 "actor_id":"<uuid>" or null,"actor_email":"..","action":"..","subject_type":"..",
//	 "subject_id":"..","request_id":"..","ip":"..","details":<json>}
//
// Strings escape only ", \ and control characters (\b \f \n \r \t, others \u00xx, lowercase hex)
// and hold everything else as UTF-8 (invalid bytes become U+FFFD); occurred_at is UTC with
// microseconds; details is the stored JSON text with insignificant whitespace removed
// (as json.Compact does). A checkpoint is an Ed25519 signature of CheckpointMessage. Export writes
// the canonical bytes themselves, so VerifyExport checks an export without the database.
package audit

import (
	"context"

	"github.com/google/uuid"
)

// Event is one audited action.
type Event struct {
	OrgID       uuid.UUID
	ActorID     uuid.NullUUID
	ActorEmail  string
	Action      string // "post.created", "decision.approved", ...
	SubjectType string // "post", "workflow", "routing_rule", "user", ...
	SubjectID   string
	RequestID   string // filled from the context when empty
	IP          string // filled from the context when empty
	Details     any    // marshalled to JSON: diffs, comments, hashes
}

type requestKey struct{}

// Request is what the audit log records of the HTTP request behind an action.
type Request struct {
	ID string
	IP string
}

// WithRequest returns ctx carrying r.
func WithRequest(ctx context.Context, r Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestFrom returns the request carried by ctx, or the zero Request.
func RequestFrom(ctx context.Context) Request {
	r, _ := ctx.Value(requestKey{}).(Request)
	return r
}
