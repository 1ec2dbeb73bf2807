// Package config reads Clearpost's configuration from the environment. It is the only package that
// does; everything else receives a Config.
package config

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration of one process.
type Config struct {
	DatabaseURL     string        // CLEARPOST_DATABASE_URL
	DatabaseMaxConn int32         // CLEARPOST_DATABASE_MAX_CONNS
	RedisURL        string        // CLEARPOST_REDIS_URL
	HTTPAddr        string        // CLEARPOST_HTTP_ADDR
	MetricsAddr     string        // CLEARPOST_METRICS_ADDR: Prometheus /metrics listener; empty: off
	PublicURL       string        // CLEARPOST_PUBLIC_URL: how browsers reach this service
	LogLevel        string        // CLEARPOST_LOG_LEVEL: debug, info, warn, error
	LogFormat       string        // CLEARPOST_LOG_FORMAT: text or json
	OTLPEndpoint    string        // CLEARPOST_OTLP_ENDPOINT: OTLP/HTTP collector for traces; empty: off
	AutoMigrate     bool          // CLEARPOST_AUTO_MIGRATE: serve applies pending migrations at start
	ShutdownTimeout time.Duration // CLEARPOST_SHUTDOWN_TIMEOUT
	ShutdownDelay   time.Duration // CLEARPOST_SHUTDOWN_DELAY: unready before draining

	// The identity provider of the organization named by OrgSlug. serve registers it at start.
	OIDCIssuer       string   // CLEARPOST_OIDC_ISSUER
	OIDCClientID     string   // CLEARPOST_OIDC_CLIENT_ID
	OIDCClientSecret string   // CLEARPOST_OIDC_CLIENT_SECRET(_FILE); empty: a public client (PKCE)
	OIDCAudience     string   // CLEARPOST_OIDC_AUDIENCE: accept JWT access tokens for this audience
	OIDCScopes       []string // CLEARPOST_OIDC_SCOPES

	// Providers are further identity providers, each signing users into its own organization,
	// read from the JSON file CLEARPOST_OIDC_PROVIDERS_FILE.
	Providers []Provider

	// Meilisearch, when MeiliURL is set, is the search backend instead of PostgreSQL.
	MeiliURL          string // CLEARPOST_MEILI_URL
	MeiliKey          string // CLEARPOST_MEILI_KEY(_FILE): a key that writes documents and settings
	MeiliIndex        string // CLEARPOST_MEILI_INDEX
	MeiliSearchKey    string // CLEARPOST_MEILI_SEARCH_KEY(_FILE): a search-only key that signs tenant tokens
	MeiliSearchKeyUID string // CLEARPOST_MEILI_SEARCH_KEY_UID: that key's uid

	SessionIdleTimeout time.Duration // CLEARPOST_SESSION_IDLE_TIMEOUT
	SessionLifetime    time.Duration // CLEARPOST_SESSION_LIFETIME
	// CORSOrigins may call the API from a browser with credentials. Empty: none.
	CORSOrigins []string // CLEARPOST_CORS_ORIGINS
	OrgSlug     string   // CLEARPOST_ORG_SLUG
	OrgName     string   // CLEARPOST_ORG_NAME
	// GroupsClaim is the token claim holding the user's IdP groups; GroupMap maps an IdP group to
	// one or more Clearpost roles and reviewer groups
	// ("social-admins=role:ADMIN,okta-legal=role:REVIEWER+group:legal").
	GroupsClaim string              // CLEARPOST_OIDC_GROUPS_CLAIM
	GroupMap    map[string][]string // CLEARPOST_OIDC_GROUP_MAP
	// BootstrapAdmins are e-mail addresses made ADMIN when they first sign in.
	BootstrapAdmins []string // CLEARPOST_BOOTSTRAP_ADMINS

	// AuditSigningKey signs audit checkpoints (Ed25519). From CLEARPOST_AUDIT_SIGNING_KEY (base64
	// 32-byte seed) or CLEARPOST_AUDIT_SIGNING_KEY_FILE.
	AuditSigningKey ed25519.PrivateKey
	AuditSealEvery  time.Duration // CLEARPOST_AUDIT_SEAL_INTERVAL

	MaxBodyBytes     int64 // CLEARPOST_MAX_BODY_BYTES: largest GraphQL request accepted
	QueryComplexity  int   // CLEARPOST_QUERY_COMPLEXITY: largest query complexity accepted
	QueryDepth       int   // CLEARPOST_QUERY_DEPTH: deepest query nesting accepted
	Playground       bool  // CLEARPOST_GRAPHQL_IDE: serve the GraphQL IDE page at /graphql (GET)
	Introspection    bool  // CLEARPOST_GRAPHQL_INTROSPECTION: signed-in callers may read the schema
	TrustProxyHeader bool  // CLEARPOST_TRUST_PROXY: take the client IP from X-Forwarded-For

	// SecretKeys seals channel credentials, connected-account tokens and webhook secrets
	// (AES-256-GCM): CLEARPOST_SECRET_KEYS(_FILE), "id:base64,id:base64", the first encrypting.
	SecretKeys string
	// ClickKey keys the visitor hash of tracked-link clicks: CLEARPOST_CLICK_KEY(_FILE).
	ClickKey string

	WorkerConcurrency int64         // CLEARPOST_WORKER_CONCURRENCY: tasks a worker runs at once
	RetryBase         time.Duration // CLEARPOST_RETRY_BASE: delay before a failed task's first retry

	// Rate limits per process, requests per minute; 0 turns one off.
	RateLimitUser    int64 // CLEARPOST_RATE_LIMIT_USER: GraphQL requests of one signed-in user
	RateLimitAddress int64 // CLEARPOST_RATE_LIMIT_ADDRESS: sign-in, SCIM and anonymous GraphQL requests from one address
	RateLimitLinks   int64 // CLEARPOST_RATE_LIMIT_LINKS: tracked-link visits from one address

	// Platform API base URLs (a proxy or a sandbox); empty: the platforms' own.
	LinkedInAPIURL string // CLEARPOST_LINKEDIN_API_URL
	XAPIURL        string // CLEARPOST_X_API_URL
	FacebookAPIURL string // CLEARPOST_FACEBOOK_API_URL
	// AllowPrivateTargets lets Slack, webhook channels and outgoing webhooks reach loopback and
	// private addresses: CLEARPOST_ALLOW_PRIVATE_TARGETS (development and tests only).
	AllowPrivateTargets bool

	SMTPURL  string // CLEARPOST_SMTP_URL(_FILE): smtp://user:pass@host:587 or smtps://...; empty: no e-mail
	SMTPFrom string // CLEARPOST_SMTP_FROM: the From address of notification e-mail
	SMTPTLS  string // CLEARPOST_SMTP_TLS: mandatory (default), opportunistic or none (smtp:// only)
}

// Defaults returns the configuration used when the environment says nothing.
func Defaults() Config {
	return Config{
		DatabaseURL:        "postgres://postgres@127.0.0.1:5432/clearpost?sslmode=disable",
		DatabaseMaxConn:    20,
		RedisURL:           "redis://127.0.0.1:6379/0",
		HTTPAddr:           "127.0.0.1:8080",
		LogLevel:           "info",
		LogFormat:          "text",
		ShutdownTimeout:    15 * time.Second,
		ShutdownDelay:      5 * time.Second,
		OrgSlug:            "default",
		OrgName:            "Default organization",
		GroupsClaim:        "groups",
		OIDCScopes:         []string{"openid", "profile", "email"},
		SessionIdleTimeout: 2 * time.Hour,
		SessionLifetime:    12 * time.Hour,
		AuditSealEvery:     500 * time.Millisecond,
		MaxBodyBytes:       1 << 20,
		QueryComplexity:    2000,
		QueryDepth:         12,
		Introspection:      true,
		WorkerConcurrency:  20,
		RateLimitUser:      1200,
		RateLimitAddress:   300,
		RateLimitLinks:     600,
		RetryBase:          10 * time.Second,
		SMTPFrom:           "Clearpost <clearpost@localhost>",
	}
}

// FromEnv reads the configuration from getenv (os.Getenv in main). It reports every problem at once.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Defaults()
	var errs []error
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	boolean := func(name string, dst *bool) {
		if v := getenv(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %q is not true or false", name, v))
				return
			}
			*dst = b
		}
	}
	duration := func(name string, dst *time.Duration) {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				errs = append(errs, fmt.Errorf("%s: %q is not a positive duration such as 500ms or 15s", name, v))
				return
			}
			*dst = d
		}
	}
	integer := func(name string, dst *int64) {
		if v := getenv(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				errs = append(errs, fmt.Errorf("%s: %q is not a positive whole number", name, v))
				return
			}
			*dst = n
		}
	}
	str("CLEARPOST_DATABASE_URL", &c.DatabaseURL)
	maxConns := int64(c.DatabaseMaxConn)
	integer("CLEARPOST_DATABASE_MAX_CONNS", &maxConns)
	c.DatabaseMaxConn = int32(min(maxConns, 1000))
	str("CLEARPOST_REDIS_URL", &c.RedisURL)
	str("CLEARPOST_HTTP_ADDR", &c.HTTPAddr)
	str("CLEARPOST_METRICS_ADDR", &c.MetricsAddr)
	str("CLEARPOST_PUBLIC_URL", &c.PublicURL)
	str("CLEARPOST_LOG_LEVEL", &c.LogLevel)
	str("CLEARPOST_LOG_FORMAT", &c.LogFormat)
	str("CLEARPOST_OTLP_ENDPOINT", &c.OTLPEndpoint)
	boolean("CLEARPOST_AUTO_MIGRATE", &c.AutoMigrate)
	duration("CLEARPOST_SHUTDOWN_TIMEOUT", &c.ShutdownTimeout)
	duration("CLEARPOST_SHUTDOWN_DELAY", &c.ShutdownDelay)
	str("CLEARPOST_OIDC_ISSUER", &c.OIDCIssuer)
	str("CLEARPOST_OIDC_CLIENT_ID", &c.OIDCClientID)
	if v, err := secret(getenv, "CLEARPOST_OIDC_CLIENT_SECRET"); err != nil {
		errs = append(errs, err)
	} else {
		c.OIDCClientSecret = v
	}
	str("CLEARPOST_OIDC_AUDIENCE", &c.OIDCAudience)
	if v := getenv("CLEARPOST_OIDC_SCOPES"); v != "" {
		c.OIDCScopes = strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' })
		if !slices.Contains(c.OIDCScopes, "openid") {
			errs = append(errs, errors.New("CLEARPOST_OIDC_SCOPES: must include openid"))
		}
	}
	if path := getenv("CLEARPOST_OIDC_PROVIDERS_FILE"); path != "" {
		ps, err := readProviders(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("CLEARPOST_OIDC_PROVIDERS_FILE: %w", err))
		}
		c.Providers = ps
	}
	str("CLEARPOST_MEILI_URL", &c.MeiliURL)
	str("CLEARPOST_MEILI_INDEX", &c.MeiliIndex)
	str("CLEARPOST_MEILI_SEARCH_KEY_UID", &c.MeiliSearchKeyUID)
	for name, dst := range map[string]*string{"CLEARPOST_MEILI_KEY": &c.MeiliKey, "CLEARPOST_MEILI_SEARCH_KEY": &c.MeiliSearchKey} {
		if v, err := secret(getenv, name); err != nil {
			errs = append(errs, err)
		} else {
			*dst = v
		}
	}
	if c.MeiliURL != "" {
		if u, err := url.Parse(c.MeiliURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, errors.New("CLEARPOST_MEILI_URL: want an http(s):// URL"))
		}
	}
	if (c.MeiliSearchKey == "") != (c.MeiliSearchKeyUID == "") {
		errs = append(errs, errors.New("CLEARPOST_MEILI_SEARCH_KEY and CLEARPOST_MEILI_SEARCH_KEY_UID go together"))
	}
	duration("CLEARPOST_SESSION_IDLE_TIMEOUT", &c.SessionIdleTimeout)
	duration("CLEARPOST_SESSION_LIFETIME", &c.SessionLifetime)
	if v := getenv("CLEARPOST_CORS_ORIGINS"); v != "" {
		for _, o := range strings.Split(v, ",") {
			o = strings.TrimSpace(o)
			u, err := url.Parse(o)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") {
				errs = append(errs, fmt.Errorf("CLEARPOST_CORS_ORIGINS: %q is not an origin such as https://app.example.com", o))
				continue
			}
			c.CORSOrigins = append(c.CORSOrigins, strings.TrimSuffix(o, "/"))
		}
	}
	str("CLEARPOST_ORG_SLUG", &c.OrgSlug)
	str("CLEARPOST_ORG_NAME", &c.OrgName)
	str("CLEARPOST_OIDC_GROUPS_CLAIM", &c.GroupsClaim)
	if v := getenv("CLEARPOST_OIDC_GROUP_MAP"); v != "" {
		m, err := ParseGroupMap(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("CLEARPOST_OIDC_GROUP_MAP: %w", err))
		}
		c.GroupMap = m
	}
	if v := getenv("CLEARPOST_BOOTSTRAP_ADMINS"); v != "" {
		for _, e := range strings.Split(v, ",") {
			if e = strings.ToLower(strings.TrimSpace(e)); e != "" {
				if !strings.Contains(e, "@") {
					errs = append(errs, fmt.Errorf("CLEARPOST_BOOTSTRAP_ADMINS: %q is not an e-mail address", e))
				}
				c.BootstrapAdmins = append(c.BootstrapAdmins, e)
			}
		}
	}
	key, err := secret(getenv, "CLEARPOST_AUDIT_SIGNING_KEY")
	if err != nil {
		errs = append(errs, err)
	} else if key != "" {
		seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(key))
		if err != nil || len(seed) != ed25519.SeedSize {
			errs = append(errs, errors.New("CLEARPOST_AUDIT_SIGNING_KEY: want the base64 of a 32-byte Ed25519 seed (`clearpost audit keygen` prints one)"))
		} else {
			c.AuditSigningKey = ed25519.NewKeyFromSeed(seed)
		}
	}
	duration("CLEARPOST_AUDIT_SEAL_INTERVAL", &c.AuditSealEvery)
	integer("CLEARPOST_MAX_BODY_BYTES", &c.MaxBodyBytes)
	qc := int64(c.QueryComplexity)
	integer("CLEARPOST_QUERY_COMPLEXITY", &qc)
	c.QueryComplexity = int(qc)
	qd := int64(c.QueryDepth)
	integer("CLEARPOST_QUERY_DEPTH", &qd)
	c.QueryDepth = int(min(qd, 100))
	boolean("CLEARPOST_GRAPHQL_IDE", &c.Playground)
	boolean("CLEARPOST_GRAPHQL_INTROSPECTION", &c.Introspection)
	boolean("CLEARPOST_TRUST_PROXY", &c.TrustProxyHeader)
	for name, dst := range map[string]*string{"CLEARPOST_SECRET_KEYS": &c.SecretKeys, "CLEARPOST_CLICK_KEY": &c.ClickKey, "CLEARPOST_SMTP_URL": &c.SMTPURL} {
		v, err := secret(getenv, name)
		if err != nil {
			errs = append(errs, err)
		}
		*dst = v
	}
	integer("CLEARPOST_WORKER_CONCURRENCY", &c.WorkerConcurrency)
	for name, dst := range map[string]*int64{"CLEARPOST_RATE_LIMIT_USER": &c.RateLimitUser,
		"CLEARPOST_RATE_LIMIT_ADDRESS": &c.RateLimitAddress, "CLEARPOST_RATE_LIMIT_LINKS": &c.RateLimitLinks} {
		if v := getenv(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				errs = append(errs, fmt.Errorf("%s: %q is not a number of requests per minute (0 for no limit)", name, v))
				continue
			}
			*dst = n
		}
	}
	duration("CLEARPOST_RETRY_BASE", &c.RetryBase)
	str("CLEARPOST_LINKEDIN_API_URL", &c.LinkedInAPIURL)
	str("CLEARPOST_X_API_URL", &c.XAPIURL)
	str("CLEARPOST_FACEBOOK_API_URL", &c.FacebookAPIURL)
	boolean("CLEARPOST_ALLOW_PRIVATE_TARGETS", &c.AllowPrivateTargets)
	str("CLEARPOST_SMTP_FROM", &c.SMTPFrom)
	str("CLEARPOST_SMTP_TLS", &c.SMTPTLS)

	errs = append(errs, c.validate()...)
	return c, errors.Join(errs...)
}

// secret reads NAME or the file named by NAME_FILE, not both.
func secret(getenv func(string) string, name string) (string, error) {
	v, file := getenv(name), getenv(name+"_FILE")
	switch {
	case v != "" && file != "":
		return "", fmt.Errorf("%s and %s_FILE are both set; set one", name, name)
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("%s_FILE: %w", name, err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	return v, nil
}

func (c Config) validate() []error {
	var errs []error
	if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		errs = append(errs, errors.New("CLEARPOST_DATABASE_URL: want a postgres:// URL"))
	}
	if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
		errs = append(errs, errors.New("CLEARPOST_REDIS_URL: want a redis:// or rediss:// URL"))
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			errs = append(errs, fmt.Errorf("CLEARPOST_METRICS_ADDR: %q is not host:port", c.MetricsAddr))
		} else if c.MetricsAddr == c.HTTPAddr {
			errs = append(errs, errors.New("CLEARPOST_METRICS_ADDR: must differ from CLEARPOST_HTTP_ADDR: metrics are never served on the public address"))
		}
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		errs = append(errs, fmt.Errorf("CLEARPOST_HTTP_ADDR: %q is not host:port", c.HTTPAddr))
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, errors.New("CLEARPOST_PUBLIC_URL: want an http(s):// URL"))
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("CLEARPOST_LOG_LEVEL: %q is not debug, info, warn or error", c.LogLevel))
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("CLEARPOST_LOG_FORMAT: %q is not text or json", c.LogFormat))
	}
	if c.OIDCIssuer != "" {
		if u, err := url.Parse(c.OIDCIssuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, errors.New("CLEARPOST_OIDC_ISSUER: want the issuer's https:// URL"))
		}
		if c.OIDCClientID == "" {
			errs = append(errs, errors.New("CLEARPOST_OIDC_CLIENT_ID: required with CLEARPOST_OIDC_ISSUER"))
		}
	}
	if c.OrgSlug == "" || len(c.OrgSlug) > 63 || strings.Trim(c.OrgSlug, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
		errs = append(errs, fmt.Errorf("CLEARPOST_ORG_SLUG: %q must be lower-case letters, digits and dashes", c.OrgSlug))
	}
	return errs
}

// RequireServe checks what serve and worker need beyond the defaults.
func (c Config) RequireServe() error {
	var errs []error
	if c.PublicURL == "" {
		// Tracked share links, notification links and e-mail carry it: without it they would
		// point nowhere a browser can reach.
		errs = append(errs, errors.New("CLEARPOST_PUBLIC_URL: required (how browsers reach this service, such as https://clearpost.example.com; links in shares, notifications and e-mail use it)"))
	}
	if c.OIDCIssuer == "" {
		errs = append(errs, errors.New("CLEARPOST_OIDC_ISSUER: required (the identity provider's issuer URL)"))
	}
	if c.AuditSigningKey == nil {
		errs = append(errs, errors.New("CLEARPOST_AUDIT_SIGNING_KEY: required (base64 Ed25519 seed; `clearpost audit keygen` prints one)"))
	}
	if c.SecretKeys == "" {
		errs = append(errs, errors.New("CLEARPOST_SECRET_KEYS: required (id:base64 32-byte key; `clearpost secrets keygen` prints one)"))
	}
	if len(c.ClickKey) < 16 {
		errs = append(errs, errors.New("CLEARPOST_CLICK_KEY: required, at least 16 characters (a long random string; it keys the visitor hash of link clicks)"))
	}
	return errors.Join(errs...)
}

// ParseGroupMap parses CLEARPOST_OIDC_GROUP_MAP: comma-separated entries idp-group=TARGET, where
// TARGET is role:ROLE or group:name, several joined with "+"
// ("okta-legal=role:REVIEWER+group:legal"). A group may also repeat
// ("okta-legal=role:REVIEWER,okta-legal=group:legal"); its targets add up.
func ParseGroupMap(s string) (map[string][]string, error) {
	m := map[string][]string{}
	var errs []error
	for _, entry := range strings.Split(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		from, to, ok := strings.Cut(entry, "=")
		from = strings.TrimSpace(from)
		if !ok || from == "" {
			errs = append(errs, fmt.Errorf("%q: want idp-group=role:ROLE or idp-group=group:name (several joined with +)", entry))
			continue
		}
		for _, target := range strings.Split(to, "+") {
			target = strings.TrimSpace(target)
			if err := checkGroupTarget(target); err != nil {
				errs = append(errs, fmt.Errorf("%q: %w", entry, err))
				continue
			}
			if !slices.Contains(m[from], target) {
				m[from] = append(m[from], target)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return m, nil
}

// roles are Clearpost's roles (as auth.Roles); groupName is auth.ValidGroupName's pattern. Both are
// repeated here so that configuration stays a leaf package.
var (
	roles     = []string{"ADMIN", "MARKETER", "REVIEWER", "EMPLOYEE"}
	groupName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)
)

func checkGroupTarget(t string) error {
	if r, ok := strings.CutPrefix(t, "role:"); ok {
		if !slices.Contains(roles, r) {
			return fmt.Errorf("%q is not a role (ADMIN, MARKETER, REVIEWER, EMPLOYEE)", r)
		}
		return nil
	}
	if g, ok := strings.CutPrefix(t, "group:"); ok {
		if !groupName.MatchString(g) {
			return fmt.Errorf("%q is not a reviewer group name (lower-case letters, digits, - and _)", g)
		}
		return nil
	}
	return fmt.Errorf("%q: want role:ROLE or group:name", t)
}

// Provider is an identity provider and the organization it signs users into.
type Provider struct {
	OrgSlug          string `json:"org_slug"`
	OrgName          string `json:"org_name"`
	Issuer           string `json:"issuer"`
	ClientID         string `json:"client_id"`
	ClientSecret     string `json:"client_secret,omitempty"`
	ClientSecretFile string `json:"client_secret_file,omitempty"`
	Audience         string `json:"audience,omitempty"`
}

// readProviders reads a JSON list of providers, resolving secret files, and checks each.
func readProviders(path string) ([]Provider, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ps []Provider
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ps); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var errs []error
	for i, p := range ps {
		where := fmt.Sprintf("%s: providers[%d]", path, i)
		if u, err := url.Parse(p.Issuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s.issuer: want the issuer's https:// URL", where))
		}
		if p.ClientID == "" {
			errs = append(errs, fmt.Errorf("%s.client_id: required", where))
		}
		if p.OrgSlug == "" || len(p.OrgSlug) > 63 || strings.Trim(p.OrgSlug, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			errs = append(errs, fmt.Errorf("%s.org_slug: %q must be lower-case letters, digits and dashes", where, p.OrgSlug))
		}
		if p.OrgName == "" {
			ps[i].OrgName = p.OrgSlug
		}
		if p.ClientSecretFile != "" {
			s, err := os.ReadFile(p.ClientSecretFile)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s.client_secret_file: %w", where, err))
			}
			ps[i].ClientSecret = strings.TrimSpace(string(s))
		}
	}
	return ps, errors.Join(errs...)
}
