// Package webhooks sends an organization's post lifecycle events to the endpoints it subscribes:
// subscriptions with a signing secret sealed at rest, one delivery per (subscription, event) made
// by a fan-out task, signed POSTs retried with backoff by a delivery task, and a log of every
// attempt that admins read and redeliver from.
//
// The flow, all through the outbox:
//
//	state change --outbox row (post.approved, ...)--> webhook:fanout
//	    one transaction: a delivery row per matching active subscription + an outbox row
//	    (webhook.delivery, task_key = delivery id) each
//	--> webhook:deliver: POST, log the attempt; 2xx DELIVERED, else retried, FAILED after the last
package webhooks

import (
	"clearpost/internal/jobs"

	"encoding/json"
	"slices"
	"time"

	"github.com/google/uuid"
)

// MaxRetry is how many times a delivery is retried after its first attempt. With asynq's default
// backoff (about n⁴ seconds before retry n) the last attempt comes some eleven hours after the
// first, enough to ride out a receiver's bad night.
const MaxRetry = 12

// DefaultTimeout bounds one attempt: connecting, sending and reading the answer.
const DefaultTimeout = 10 * time.Second

// UserAgent is the User-Agent of every delivery.
const UserAgent = "Clearpost-Webhooks/1"

// Request headers besides Content-Type, User-Agent and Idempotency-Key.
const (
	HeaderEvent     = "X-Clearpost-Event"
	HeaderTimestamp = "X-Clearpost-Timestamp"
	HeaderSignature = "X-Clearpost-Signature"
)

// Events lists every event a subscription may name: the outbox topics of the post lifecycle,
// sorted.
var Events = jobs.WebhookEvents

// ValidEvent reports whether name is one of Events.
func ValidEvent(name string) bool { return slices.Contains(Events, name) }

// Subscription is an endpoint of an organization and the events it receives. Its signing secret
// is never part of it: Create and RotateSecret return it once.
type Subscription struct {
	ID              uuid.UUID
	OrgID           uuid.UUID
	URL             string
	Events          []string
	Description     string
	Active          bool
	SecretRotatedAt *time.Time
	CreatedBy       *uuid.UUID
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// SubscriptionInput is a new subscription.
type SubscriptionInput struct {
	URL         string
	Events      []string
	Description string
}

// SubscriptionUpdate changes a subscription; nil fields stay as they are. Deactivating it cancels
// its pending deliveries.
type SubscriptionUpdate struct {
	URL         *string
	Events      []string
	Description *string
	Active      *bool
}

// SubscriptionCursor is the keyset position of a subscription in List's order (oldest first).
type SubscriptionCursor struct {
	CreatedAt time.Time `json:"c"`
	ID        uuid.UUID `json:"i"`
}

// DeliveryStatus is where a delivery stands.
type DeliveryStatus string

const (
	// StatusPending: not delivered yet; an attempt is due or in flight.
	StatusPending DeliveryStatus = "PENDING"
	// StatusDelivered: the endpoint answered 2xx.
	StatusDelivered DeliveryStatus = "DELIVERED"
	// StatusFailed: the last retry failed too.
	StatusFailed DeliveryStatus = "FAILED"
	// StatusCancelled: the subscription was deactivated before the delivery was made.
	StatusCancelled DeliveryStatus = "CANCELLED"
)

// Delivery is one event sent (or to be sent) to one subscription.
type Delivery struct {
	ID             uuid.UUID
	OrgID          uuid.UUID
	SubscriptionID uuid.UUID
	Event          string
	// EventID is the outbox row the event came from: a redelivery has its original's.
	EventID        int64
	EventCreatedAt time.Time
	// Data is the body's "data" object.
	Data json.RawMessage
	// RedeliveryOf is the delivery this one repeats, if it is a redelivery.
	RedeliveryOf *uuid.UUID
	Status       DeliveryStatus
	AttemptCount int
	CreatedBy    *uuid.UUID // who asked for a redelivery
	CreatedAt    time.Time
	CompletedAt  *time.Time
	// Attempts, oldest first (filled by Deliveries and Delivery).
	Attempts []Attempt
}

// Body is the JSON the delivery POSTs, the bytes its signature covers.
func (d *Delivery) Body() ([]byte, error) {
	data := d.Data
	if len(data) == 0 {
		data = json.RawMessage("{}")
	}
	return json.Marshal(struct {
		ID        uuid.UUID       `json:"id"`
		Type      string          `json:"type"`
		CreatedAt time.Time       `json:"created_at"`
		Data      json.RawMessage `json:"data"`
	}{d.ID, d.Event, d.EventCreatedAt.UTC(), data})
}

// Attempt is one try at a delivery.
type Attempt struct {
	Number int
	// StatusCode is the endpoint's answer; nil when there was none (refused address, network
	// error, timeout).
	StatusCode *int
	// ResponseExcerpt is the start of the answer's body, at most 1 KiB.
	ResponseExcerpt string
	Error           string
	Duration        time.Duration
	AttemptedAt     time.Time
}

// DeliveryCursor is the keyset position of a delivery in Deliveries' order (newest first).
type DeliveryCursor struct {
	CreatedAt time.Time `json:"c"`
	ID        uuid.UUID `json:"i"`
}
