package advocacy

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"clearpost/internal/audit"
	"clearpost/internal/jobs"

	"github.com/google/uuid"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/mileusna/useragent"
)

// Redirector defaults.
const (
	DefaultClickWindow = 30 * time.Minute
	DefaultCacheSize   = 100_000
	minVisitorKey      = 16
	missingTTL         = time.Minute
	lookupTimeout      = 2 * time.Second
)

// RedirectOptions configure a Redirector.
type RedirectOptions struct {
	// VisitorKey keys the visitor hash (HMAC-SHA256 over the share, the client address and the
	// day); at least 16 bytes, the same in every serve process, secret. Required.
	VisitorKey []byte
	// Window: repeat clicks of one visitor on one share within a window count once.
	// Default DefaultClickWindow.
	Window time.Duration
	// CacheSize is how many codes are kept in memory. Default DefaultCacheSize.
	CacheSize int
	// FlushEvery is how long a click waits in memory at most before it is written to the outbox
	// (while PostgreSQL takes it), and so what a process killed outright loses at most.
	// Default DefaultFlushEvery.
	FlushEvery time.Duration
	// FlushBatch is how many clicks one INSERT writes; a full batch is written at once.
	// Default DefaultFlushBatch.
	FlushBatch int
	// Buffer is how many clicks wait in memory at most (while PostgreSQL is slow or away); a click
	// past it is dropped. Default DefaultClickBuffer.
	Buffer int
	// Wait is how long a visitor's redirect waits for the click to be written to the outbox (a
	// batch with the other clicks of the moment), so that a redirect answered is a click kept even
	// if the process is killed right after. Past it, and at once while writes are failing
	// (PostgreSQL away), the visitor is redirected with the click still buffered. Default
	// DefaultClickWait; negative: never wait.
	Wait time.Duration
	// Dropped, when set, is told of each click dropped because the buffer was full (a metric).
	Dropped func()
	Log     *slog.Logger
}

// target is where a code leads. Codes and their shares' destinations never change, so a target is
// cached for good.
type target struct {
	org uuid.UUID
	// shareID is the share its clicks count on: the code's share, or the share it repeats when it
	// is a repeat made before shares were unique (duplicate_of).
	shareID  uuid.UUID
	location string // the destination with the UTM parameters merged in
}

// Redirector serves the tracked links GET /s/{code}: a 302 to the share's destination with UTM
// parameters, and a click counted asynchronously.
//
// The hot path is one in-process cache hit and one append to an in-memory buffer: the code's
// target is cached (codes are immutable). A flusher writes the buffered clicks to the outbox in
// batches (click_buffer.go), the clicks of the moment together, and the visitor's redirect waits
// for that write (up to Wait); from the outbox the relay hands them to Redis as share:click tasks
// like any other work. Clicks by bots and
// link-preview fetchers are not counted; a click carries only a keyed hash of the visitor (no
// address, no user agent).
//
// Close writes what is buffered; the Redirector must be closed before its pool is.
type Redirector struct {
	pool    *pgxpool.Pool
	key     []byte
	window  time.Duration
	cache   *lru.Cache[string, target]
	missing *expirable.LRU[string, struct{}] // unknown codes, briefly, so probing does not hit the database
	log     *slog.Logger
	now     func() time.Time

	clicks     clickBuffer
	flushEvery time.Duration
	wait       time.Duration
	failing    atomic.Bool // the last write failed: visitors do not wait
	dropped    func()
	// droppedLogged (Unix ns) is when a dropped click was last logged: once a second at most.
	droppedLogged atomic.Int64
	stopping      chan struct{} // closed by Close
	closeCtx      context.Context
	closeOnce     sync.Once
	done          chan struct{} // closed when the flusher has ended
	closeErr      error
}

// NewRedirector returns the tracked-link handler reading shares from pool and writing clicks to
// its outbox, and starts its flusher; Close stops it.
func NewRedirector(pool *pgxpool.Pool, opts RedirectOptions) (*Redirector, error) {
	if len(opts.VisitorKey) < minVisitorKey {
		return nil, fmt.Errorf("share link visitor key: want at least %d bytes", minVisitorKey)
	}
	if opts.Window <= 0 {
		opts.Window = DefaultClickWindow
	}
	if opts.CacheSize <= 0 {
		opts.CacheSize = DefaultCacheSize
	}
	if opts.FlushEvery <= 0 {
		opts.FlushEvery = DefaultFlushEvery
	}
	if opts.FlushBatch <= 0 {
		opts.FlushBatch = DefaultFlushBatch
	}
	if opts.Buffer <= 0 {
		opts.Buffer = DefaultClickBuffer
	}
	if opts.Wait == 0 {
		opts.Wait = DefaultClickWait
	}
	if opts.Dropped == nil {
		opts.Dropped = func() {}
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	cache, err := lru.New[string, target](opts.CacheSize)
	if err != nil {
		return nil, err
	}
	rd := &Redirector{
		pool:       pool,
		key:        append([]byte(nil), opts.VisitorKey...),
		window:     opts.Window,
		cache:      cache,
		missing:    expirable.NewLRU[string, struct{}](10_000, nil, missingTTL),
		log:        opts.Log.With(slog.String("component", "share_links")),
		now:        time.Now,
		clicks:     clickBuffer{max: opts.Buffer, batch: opts.FlushBatch, full: make(chan struct{}, 1), flushed: make(chan struct{})},
		flushEvery: opts.FlushEvery,
		wait:       opts.Wait,
		dropped:    opts.Dropped,
		stopping:   make(chan struct{}),
		done:       make(chan struct{}),
	}
	go rd.flusher()
	return rd, nil
}

const notFoundPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<title>Link not found</title></head>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">
<h1>Link not found</h1>
<p>This link does not exist. Check that it was copied whole.</p>
</body></html>
`

const unavailablePage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<title>Try again</title></head>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">
<h1>Try again in a moment</h1>
<p>This link cannot be followed right now.</p>
</body></html>
`

func page(w http.ResponseWriter, status int, body string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	if status == http.StatusServiceUnavailable {
		h.Set("Retry-After", "5")
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// ServeHTTP answers GET /s/{code} (the code from r.PathValue("code")).
//
// A share whose post is no longer approved still redirects: the link is already out there, in
// posts and inboxes Clearpost cannot reach, and it leads to the post's public destination, not to
// the post's content.
func (rd *Redirector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	if !validCode(code) {
		page(w, http.StatusNotFound, notFoundPage)
		return
	}
	t, ok, err := rd.lookup(r.Context(), code)
	if err != nil {
		rd.log.ErrorContext(r.Context(), "look up share link", slog.Any("error", err))
		page(w, http.StatusServiceUnavailable, unavailablePage)
		return
	}
	if !ok {
		page(w, http.StatusNotFound, notFoundPage)
		return
	}
	if r.Method == http.MethodGet && !IsBot(r.UserAgent()) {
		rd.count(r, t)
	}
	h := w.Header()
	// Every click must reach us to be counted; search engines need not index the hop.
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Robots-Tag", "noindex")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Location", t.location)
	w.WriteHeader(http.StatusFound)
}

// lookup finds the target of code: from the cache, or once from the database.
func (rd *Redirector) lookup(ctx context.Context, code string) (target, bool, error) {
	if t, ok := rd.cache.Get(code); ok {
		return t, true, nil
	}
	if rd.missing.Contains(code) {
		return target{}, false, nil
	}
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	l, found, err := lookupLink(ctx, rd.pool, code)
	if err != nil {
		return target{}, false, fmt.Errorf("share link %s: %w", code, err)
	}
	if !found {
		rd.missing.Add(code, struct{}{})
		return target{}, false, nil
	}
	loc, err := redirectLocation(l.destination, Network(l.network), l.campaign, l.id)
	if err != nil {
		// Destinations are validated URLs when posts are saved; a bad one is not followed.
		rd.log.WarnContext(ctx, "share link destination is not a URL", slog.String("share_id", l.id.String()))
		rd.missing.Add(code, struct{}{})
		return target{}, false, nil
	}
	t := target{org: l.org, shareID: l.counted, location: loc}
	rd.cache.Add(code, t)
	return t, true, nil
}

// clickPayload is a share:click task's payload, written to the outbox under
// jobs.TopicShareClicked: no address, no user agent.
type clickPayload struct {
	jobs.Schedule           // the task key: a visitor's clicks on a share within a window
	ShareID       uuid.UUID `json:"share_id"`
	Visitor       string    `json:"visitor"` // hex of 16 bytes of HMAC-SHA256(key, share, address, day)
	At            time.Time `json:"at"`
	Window        time.Time `json:"window"` // start of the counting window At falls in
}

// count hands a click to the buffer and waits (up to Wait) until the flusher has written it to the
// outbox. The visitor is redirected whether or not the buffer had room or the write was made.
func (rd *Redirector) count(r *http.Request, t target) {
	now := rd.now().UTC()
	window := now.Truncate(rd.window)
	c := click{
		org: t.org, share: t.shareID, visitor: rd.visitor(t.shareID, r, window), at: now,
		trace: jobs.TraceContext(r.Context()),
	}
	seq, ok := rd.clicks.add(c)
	if !ok {
		rd.drop(r.Context(), t.shareID)
		return
	}
	if rd.wait < 0 || rd.failing.Load() {
		return
	}
	rd.clicks.flushNow()
	rd.clicks.waitWritten(seq, rd.wait)
}

// visitor is the keyed hash identifying a visitor of one share: the client address (an IPv6
// address by its /64, the network one household or device holds), the share, and the UTC day of
// the click's window. The user agent is left out: it is only for telling bots (IsBot), since
// anyone can change it at will, and a visitor who could count again by changing it could inflate
// the leaderboard. The share and the day keep one visitor from being followed across shares or
// days; the key makes the hash irreversible to anyone without it (addresses are few enough to
// try them all). Neither the address nor the user agent is stored.
func (rd *Redirector) visitor(share uuid.UUID, r *http.Request, window time.Time) string {
	m := hmac.New(sha256.New, rd.key)
	m.Write(share[:])
	m.Write([]byte{0})
	m.Write([]byte(visitorAddress(clientAddress(r))))
	m.Write([]byte{0})
	m.Write([]byte(window.UTC().Format(time.DateOnly)))
	var sum [sha256.Size]byte
	return hex.EncodeToString(m.Sum(sum[:0])[:16])
}

// clientAddress is the visitor's address: as the HTTP middleware resolved it (behind a trusted
// proxy, from X-Forwarded-For), else the connection's.
func clientAddress(r *http.Request) string {
	if ip := audit.RequestFrom(r.Context()).IP; ip != "" {
		return ip
	}
	return r.RemoteAddr
}

// visitorAddress is the part of a client address that identifies a visitor: an IPv4 address
// whole, an IPv6 address by its /64 prefix (a device picks addresses within it at will).
func visitorAddress(remote string) string {
	host := remote
	if h, _, err := net.SplitHostPort(remote); err == nil {
		host = h
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is6() {
		return netip.PrefixFrom(addr, 64).Masked().String()
	}
	return addr.String()
}

// previewAgents are user-agent fragments (lower case) of link-preview fetchers (Slackbot,
// LinkedInBot, Twitterbot, TelegramBot and Discordbot all say "bot"), crawlers and programs: their
// requests are not clicks. The in-app browsers of LinkedIn, X or Facebook ("[LinkedInApp]",
// "Twitter for iPhone", "FBAN") are people and are counted.
var previewAgents = []string{
	"bot", "crawl", "spider", "slurp", "preview", "facebookexternalhit", "facebookcatalog", "whatsapp/",
	"slack-imgproxy", "embedly", "iframely", "vkshare", "outbrain", "headless", "lighthouse",
	"curl/", "wget/", "python-", "go-http-client", "okhttp", "java/", "libwww", "httpclient", "axios/",
	"node-fetch", "undici", "postman", "insomnia", "scrapy", "httpie", "monitor", "uptime",
}

// IsBot reports whether a request with user agent ua is not a person's click: an empty agent, a
// known bot (mileusna/useragent), a link-preview fetcher (Slack, LinkedIn, X, Facebook, WhatsApp,
// Telegram, Discord, ...), a command-line or library client, or anything that does not present
// itself as a browser.
func IsBot(ua string) bool {
	if ua == "" {
		return true
	}
	lower := strings.ToLower(ua)
	for _, f := range previewAgents {
		if strings.Contains(lower, f) {
			return true
		}
	}
	// Browsers, and the in-app browsers of mobile apps, all start with Mozilla/ (old Opera aside).
	if !strings.HasPrefix(ua, "Mozilla/") && !strings.HasPrefix(ua, "Opera/") {
		return true
	}
	return useragent.Parse(ua).Bot
}
