package platform

import (
	"net/http"
	"time"

	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Default API hosts and versions.
const (
	DefaultLinkedInBaseURL = "https://api.linkedin.com"
	DefaultLinkedInVersion = "202605" // LinkedIn-Version header, YYYYMM
	DefaultXBaseURL        = "https://api.x.com"
	DefaultFacebookBaseURL = "https://graph.facebook.com"
	DefaultFacebookVersion = "v26.0" // Graph API version path segment
)

// Options configures the adapters. The zero value talks to the real platforms.
type Options struct {
	// HTTPClient carries timeouts (and, for LinkedIn, X and Facebook, the transport). Nil means a
	// client with a 30s timeout. Slack and webhook adapters derive their own client from it (see
	// AllowPrivateAddresses): no proxy, no redirects, guarded dial.
	HTTPClient *http.Client

	LinkedInBaseURL string // default DefaultLinkedInBaseURL
	LinkedInVersion string // default DefaultLinkedInVersion
	XBaseURL        string // default DefaultXBaseURL
	FacebookBaseURL string // default DefaultFacebookBaseURL
	FacebookVersion string // default DefaultFacebookVersion, e.g. "v26.0"

	// AllowPrivateAddresses lets Slack and webhook channels reach loopback, private and link-local
	// addresses. Only tests and `clearpost dev` set it: in production a channel's URL is user input
	// and must not reach into the network Clearpost runs in.
	AllowPrivateAddresses bool

	// Now is the clock used when a platform reports no time of its own; default time.Now.
	Now func() time.Time

	// Tracer records a span per platform call (nil: none). The trace context is not sent to
	// the platforms.
	Tracer trace.TracerProvider
}

func (o Options) tracer() trace.Tracer {
	if o.Tracer == nil {
		return noop.NewTracerProvider().Tracer("")
	}
	return o.Tracer.Tracer("clearpost/publish/platform")
}

func (o Options) withDefaults() Options {
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if o.LinkedInBaseURL == "" {
		o.LinkedInBaseURL = DefaultLinkedInBaseURL
	}
	if o.LinkedInVersion == "" {
		o.LinkedInVersion = DefaultLinkedInVersion
	}
	if o.XBaseURL == "" {
		o.XBaseURL = DefaultXBaseURL
	}
	if o.FacebookBaseURL == "" {
		o.FacebookBaseURL = DefaultFacebookBaseURL
	}
	if o.FacebookVersion == "" {
		o.FacebookVersion = DefaultFacebookVersion
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Adapters returns one adapter per platform, keyed by platform name.
func Adapters(opts Options) map[string]Adapter {
	all := []Adapter{
		NewLinkedIn(opts),
		NewX(opts),
		NewFacebook(opts),
		NewSlack(opts),
		NewWebhook(opts),
	}
	m := make(map[string]Adapter, len(all))
	for _, a := range all {
		m[a.Platform()] = a
	}
	return m
}
