package platform

import (
	"context"
	"time"
)

// Platform names, as returned by Adapter.Platform and used as keys of Adapters.
const (
	LinkedIn = "linkedin"
	X        = "x"
	Facebook = "facebook"
	Slack    = "slack"
	Webhook  = "webhook"
)

// Media kinds.
const (
	MediaImage    = "IMAGE"
	MediaVideo    = "VIDEO"
	MediaDocument = "DOCUMENT"
)

// Message is what is published: already resolved for the platform (override body applied).
type Message struct {
	Text  string // the post body / share text
	Link  string // may be empty
	Title string // may be empty (used for link previews / webhook payloads)
	// Media are attachments. Adapters that cannot upload media ignore them; they never fail
	// because of them.
	Media []Media
	// IdempotencyKey is stable per publish job: the same job retried carries the same key.
	IdempotencyKey string
	// Meta carries extra fields for webhooks (post_id, version, content_hash, ...).
	Meta map[string]string
}

// Media is one attachment of a Message.
type Media struct {
	URL     string
	AltText string
	Kind    string // MediaImage, MediaVideo or MediaDocument
}

// Credentials are a channel's decrypted secrets and settings, e.g.
// {"access_token": "...", "organization_id": "123"}. Values are secrets unless the adapter's
// documentation says otherwise; adapters never copy them into errors.
type Credentials map[string]string

// Credential keys used by the adapters.
const (
	KeyAccessToken    = "access_token"    // LinkedIn, X, Facebook
	KeyOrganizationID = "organization_id" // LinkedIn: numeric organization id of the page
	KeyAuthorURN      = "author_urn"      // LinkedIn: urn:li:person:... (an employee's own account) or urn:li:organization:...
	KeyUserID         = "user_id"         // X: numeric id of the account the token belongs to
	KeyPageID         = "page_id"         // Facebook: numeric page id
	KeyWebhookURL     = "webhook_url"     // Slack: the incoming webhook URL
	KeyURL            = "url"             // generic webhook: the receiver's URL
	KeySecret         = "secret"          // generic webhook: the HMAC signing secret
)

// Receipt says where and when a platform accepted a post.
type Receipt struct {
	// ExternalID is the platform's post id: a LinkedIn URN, a tweet id, a Facebook
	// "<pageid>_<postid>"; "" for Slack; for webhooks the receiver's response id, or "".
	ExternalID string
	// URL is the public URL of the published post when the platform has one.
	URL string
	// At is when the platform accepted it (the platform's own timestamp when it reports one,
	// else its response's Date header, else the local clock).
	At time.Time
}

// Adapter publishes to one platform.
type Adapter interface {
	// Platform names the platform: "linkedin", "x", "facebook", "slack" or "webhook".
	Platform() string
	// Validate checks credentials and settings when a channel is created or updated. It makes no
	// network call. Problems are apperr Invalid errors naming the key, e.g.
	// "credentials.access_token: is required"; several problems are reported together.
	Validate(c Credentials) error
	// Publish publishes m and returns the platform's receipt. Errors are *Error (see IsRetryable).
	Publish(ctx context.Context, c Credentials, m Message) (Receipt, error)
	// Find looks for a post this channel already published for m at or after since (used after a
	// crash left an attempt's outcome unknown): found=false with a nil error means "not there,
	// safe to publish". Adapters whose platform cannot be queried return ErrCannotFind.
	Find(ctx context.Context, c Credentials, m Message, since time.Time) (r Receipt, found bool, err error)
}
