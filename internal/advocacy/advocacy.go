// Package advocacy is employee sharing: employees share approved posts to their own networks
// (LinkedIn, X, Facebook, e-mail) through share intents or, scheduled, through their connected
// accounts; each share carries a tracked link whose clicks are counted; a leaderboard ranks the
// employees and an archive keeps what went out for compliance.
package advocacy

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Network is where an employee shares.
type Network string

const (
	LinkedIn Network = "linkedin"
	X        Network = "x"
	Facebook Network = "facebook"
	Email    Network = "email"
)

// Networks lists every network, in the order a client shows them.
var Networks = []Network{LinkedIn, X, Facebook, Email}

// accountNetworks are the networks an employee connects an account of (scheduled shares).
var accountNetworks = []Network{LinkedIn, X, Facebook}

// ParseNetwork reads a network name, in any case.
func ParseNetwork(s string) (Network, bool) {
	n := Network(strings.ToLower(strings.TrimSpace(s)))
	return n, slices.Contains(Networks, n)
}

func networkNames(ns []Network) string {
	names := make([]string, len(ns))
	for i, n := range ns {
		names[i] = string(n)
	}
	return strings.Join(names, ", ")
}

// Status is where a share stands.
type Status string

const (
	// StatusOpened: handed to the employee's browser as a share intent (it went out, as far as
	// Clearpost can tell).
	StatusOpened Status = "OPENED"
	// StatusPendingApproval: the employee's edited text is in review.
	StatusPendingApproval Status = "PENDING_APPROVAL"
	// StatusScheduled: waits to be published through the employee's connected account.
	StatusScheduled Status = "SCHEDULED"
	StatusPublished Status = "PUBLISHED"
	StatusFailed    Status = "FAILED"
	StatusCanceled  Status = "CANCELED"
	// StatusRejected: the edited text was rejected in review.
	StatusRejected Status = "REJECTED"
)

// wentOut are the statuses of shares that reached a network: they score and they are archived.
var wentOut = []string{string(StatusOpened), string(StatusPublished)}

// Share is an employee's share of one version of a post to one network.
type Share struct {
	ID          uuid.UUID
	OrgID       uuid.UUID
	UserID      uuid.UUID
	PostID      uuid.UUID
	VersionID   uuid.UUID
	ContentHash string // of the version shared
	Network     Network
	Text        string // the text that goes (or went) out
	Edited      bool   // the employee changed the suggested text
	Status      Status
	// StatusReason says why a share was canceled, failed or rejected.
	StatusReason string
	// Code is the tracked link's code; empty when the post has no link.
	Code        string
	Destination string // the post's link when it was shared
	Campaign    string // utm_campaign: the first tag of the version shared
	ScheduleAt  *time.Time
	// ApprovalPostID is the post under review holding the edited text (PENDING_APPROVAL and after).
	ApprovalPostID *uuid.UUID
	ExternalID     string // the network's id of a PUBLISHED share
	ExternalURL    string
	Clicks         int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
	SharedAt       *time.Time // when it went out (OPENED or PUBLISHED)
	PublishedAt    *time.Time

	// TrackedURL is <public URL>/s/<code> ("" without a code).
	TrackedURL string
	// IntentURL opens the network's share dialog in the employee's own account, with the text and
	// the tracked link: set while the share is OPENED.
	IntentURL string
}

// ShareInput is a share as an employee asks for it.
type ShareInput struct {
	PostID  uuid.UUID
	Network string
	// Text is the share text: empty for the suggested text; other text only when the post lets
	// employees edit it.
	Text string
	// ScheduleAt publishes the share then, through the employee's connected account.
	ScheduleAt *time.Time
}

// Counts are a post's shares that went out and the clicks on all its shares.
type Counts struct {
	Shares int64
	Clicks int64
}

// Account is an employee's connected account on a network. Its token is never returned.
type Account struct {
	UserID      uuid.UUID
	Network     Network
	AccountID   string
	Connected   bool // false once disconnected or revoked
	ConnectedAt time.Time
	UpdatedAt   time.Time
	RevokedAt   *time.Time
}

// LeaderboardEntry is one employee's standing over a period.
type LeaderboardEntry struct {
	Rank   int // 1-based position: points, then name
	UserID uuid.UUID
	Name   string
	Email  string
	Shares int64 // shares that went out in the period, 10 points each
	Clicks int64 // counted clicks in the period, 1 point each
	Points int64
}

// ShareCursor is the keyset position of a share in MyShares (newest first).
type ShareCursor struct {
	CreatedAt time.Time `json:"c"`
	ID        uuid.UUID `json:"i"`
}

// ArchiveFilter narrows Archive.
type ArchiveFilter struct {
	UserID *uuid.UUID
	From   *time.Time // shared at or after
	To     *time.Time // shared before
}

// ArchiveCursor is the keyset position of a share in Archive (most recently shared first).
type ArchiveCursor struct {
	SharedAt time.Time `json:"s"`
	ID       uuid.UUID `json:"i"`
}

// ShareApprover routes an edited share text for approval like any post. SubmitShareText creates a
// post authored by the caller (the principal in ctx) whose body is text, submits it, and returns
// its id. When that post is APPROVED, its current version's body is the text that goes out; when
// it is REJECTED, the share is.
type ShareApprover interface {
	SubmitShareText(ctx context.Context, parentPostID uuid.UUID, network, text string) (uuid.UUID, error)
}

// Message is what a scheduled share publishes.
type Message struct {
	Text string
	Link string // the tracked link; "" when the post has none
	// IdempotencyKey is the share id: a publisher that sees it twice publishes once.
	IdempotencyKey string
}

// Publisher publishes a message through an employee's account on a network. creds holds
// "access_token" and "account_id". An error wrapped with Permanent (or asynq.SkipRetry) is not
// retried: the share FAILS with it; any other error is retried.
type Publisher interface {
	Publish(ctx context.Context, network string, creds map[string]string, m Message) (externalID, url string, err error)
}
