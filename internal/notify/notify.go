// Package notify tells people what needs them: in-app notifications (listed, counted, marked read,
// and pushed live through the Hub), their e-mail and Slack deliveries, each user's preferences, and
// the review SLAs (reminders before a stage's deadline, escalation at it).
//
// Everything starts from an outbox row. The notify:event task reads what happened (a submission, a
// stage started, a decision, an approval, a failed publication), works out who must know, and in
// one transaction inserts their notifications, a PENDING delivery per e-mail or Slack message they
// want, and an outbox row per delivery whose task key is derived from the notification and the
// channel. A notification is unique per (user, event key), so a task that runs twice notifies
// nobody twice, and a delivery task whose row says SENT sends nothing again.
package notify

import (
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"clearpost/internal/netguard"
	"clearpost/internal/secretbox"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Kind is what a notification is about.
type Kind string

const (
	KindReviewRequested Kind = "REVIEW_REQUESTED" // a stage awaits your group
	KindReviewReminder  Kind = "REVIEW_REMINDER"  // a stage awaiting you is near or past its SLA
	KindReviewEscalated Kind = "REVIEW_ESCALATED" // a stage passed its SLA and was escalated to your group
	KindPostDecided     Kind = "POST_DECIDED"     // a reviewer decided on your post
	KindPostApproved    Kind = "POST_APPROVED"    // your post is approved
	KindPublishFailed   Kind = "PUBLISH_FAILED"   // publishing a post to a brand channel failed
	// KindRoutingRuleFailing: a routing rule fails at run time (admins; once per failure episode)
	KindRoutingRuleFailing Kind = "ROUTING_RULE_FAILING"
)

// Kinds lists every kind.
var Kinds = []Kind{KindReviewRequested, KindReviewReminder, KindReviewEscalated, KindPostDecided, KindPostApproved, KindPublishFailed,
	KindRoutingRuleFailing}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Channel is a way a notification reaches its user.
type Channel string

const (
	ChannelInApp Channel = "IN_APP"
	ChannelEmail Channel = "EMAIL"
	ChannelSlack Channel = "SLACK"
)

// Channels lists every channel.
var Channels = []Channel{ChannelInApp, ChannelEmail, ChannelSlack}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return slices.Contains(Channels, c) }

// DefaultChannels are what a user who never set preferences receives.
var DefaultChannels = []Channel{ChannelInApp, ChannelEmail}

// Options configures delivery.
type Options struct {
	// Mail is the SMTP server e-mails go through; a zero URL turns e-mail off (no e-mail is queued).
	Mail MailOptions
	// PublicURL is how browsers reach Clearpost ("https://clearpost.example.com"): links in
	// e-mails and Slack messages start with it. Empty: messages carry the path alone.
	PublicURL string
	// HTTPClient is the base of the client that posts to Slack (its transport settings and
	// timeout; default 10 s). Whatever it is, the client follows no redirects, uses no proxy and
	// connects only to addresses the guard allows.
	HTTPClient *http.Client
	// AllowPrivateTargets lets the Slack webhook be plain http to loopback and reach loopback and
	// private addresses (CLEARPOST_ALLOW_PRIVATE_TARGETS); otherwise it must be https to a public
	// address, checked when saved and again on every address dialed.
	AllowPrivateTargets bool
	// MaxAttempts is how many times a delivery is tried before it is recorded FAILED; 0: 10.
	MaxAttempts int
}

// Defaults.
const (
	defaultMaxAttempts = 10
	slackTimeout       = 10 * time.Second
)

// Service is notifications for the signed-in user, the organization's Slack webhook for admins,
// and the task handlers that create and deliver notifications.
type Service struct {
	pool        *pgxpool.Pool
	keys        *secretbox.Keyring
	mailer      *Mailer // nil: e-mail off
	http        *http.Client
	guard       netguard.Guard
	publicURL   string
	maxAttempts int
	log         *slog.Logger

	sweepListed func() // test hook: called by Sweep once it has listed what is due
}

// NewService returns the service on pool, sealing the Slack webhook with keys. It fails when
// opts.Mail is set but unusable.
func NewService(pool *pgxpool.Pool, keys *secretbox.Keyring, opts Options, log *slog.Logger) (*Service, error) {
	if keys == nil {
		return nil, fmt.Errorf("notify: a keyring is required")
	}
	s := &Service{
		pool:        pool,
		keys:        keys,
		guard:       netguard.Guard{AllowPrivate: opts.AllowPrivateTargets},
		publicURL:   strings.TrimRight(opts.PublicURL, "/"),
		maxAttempts: opts.MaxAttempts,
		log:         log.With(slog.String("component", "notify")),
	}
	if opts.Mail.URL != "" {
		m, err := NewMailer(opts.Mail)
		if err != nil {
			return nil, err
		}
		s.mailer = m
	}
	s.http = s.guard.Client(opts.HTTPClient, slackTimeout)
	if s.maxAttempts <= 0 {
		s.maxAttempts = defaultMaxAttempts
	}
	return s, nil
}

// url returns the absolute URL of a link path.
func (s *Service) url(path string) string { return s.publicURL + path }

// postLink is the path of a post in the web app.
func postLink(id uuid.UUID) string { return "/posts/" + id.String() }

// emailEnabled reports whether e-mail is configured.
func (s *Service) emailEnabled() bool { return s.mailer != nil }
