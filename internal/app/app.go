// Package app assembles Clearpost: the pool, the services, the HTTP routes and the background
// loops, with Run and Shutdown so that main and end-to-end tests boot exactly the same thing.
package app

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"clearpost/graph"
	"clearpost/graph/ide"
	"clearpost/internal/advocacy"
	"clearpost/internal/approval"
	"clearpost/internal/audit"
	"clearpost/internal/auth"
	"clearpost/internal/boards"
	"clearpost/internal/config"
	"clearpost/internal/content"
	"clearpost/internal/httpserver"
	"clearpost/internal/jobs"
	"clearpost/internal/notify"
	"clearpost/internal/postgres"
	"clearpost/internal/publish"
	"clearpost/internal/publish/platform"
	"clearpost/internal/reports"
	"clearpost/internal/scim"
	"clearpost/internal/search"
	"clearpost/internal/search/meili"
	searchpg "clearpost/internal/search/postgres"
	"clearpost/internal/secretbox"
	"clearpost/internal/tracing"
	"clearpost/internal/webhooks"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/cors"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/propagation"
)

// Options choose what one process runs.
type Options struct {
	HTTP   bool // serve the API
	Worker bool // run the audit sealer and the board expiry sweep
	// Queue runs the task queue: the outbox relay and the task handlers (search indexing).
	Queue bool
	// Migrate applies pending migrations at start; without it, a schema that is behind is refused.
	Migrate bool
	// Extra routes mounted beside the API (the development identity provider).
	Mount map[string]http.Handler
	// HTTPClient is used to reach identity providers (nil: a default client).
	HTTPClient *http.Client
	// Listener, when set, is the API's listener, already bound: `clearpost dev` binds first so
	// that its identity provider and its links know the port.
	Listener net.Listener
}

// App is one Clearpost process.
type App struct {
	Config   config.Config
	Log      *slog.Logger
	Pool     *pgxpool.Pool
	Users    *auth.Users
	Content  *content.Service
	Approval *approval.Service
	Boards   *boards.Service
	Sealer   *audit.Sealer
	Index    search.Index
	Indexer  *boards.Indexer
	Publish  *publish.Service
	Webhooks *webhooks.Service
	Advocacy *advocacy.Service
	Notify   *notify.Service
	Hub      *notify.Hub
	// Reconciler re-enqueues work Redis lost; set while the task queue runs (worker, dev).
	Reconciler *jobs.Reconciler
	// Tracing receives the spans of requests, tasks and platform calls (CLEARPOST_OTLP_ENDPOINT).
	Tracing *tracing.Provider
	// metrics serves /metrics on CLEARPOST_METRICS_ADDR (nil inside when off).
	metrics *metricsServer

	adapters map[string]platform.Adapter
	// redirectors serve tracked links (one per Handler) and buffer their clicks: closed, their
	// buffers written, after the server stops and before the pool closes.
	redirectors []*advocacy.Redirector
	Secrets     *secretbox.Keyring

	opts     Options
	listener net.Listener
	// draining is set when Shutdown starts: /readyz answers 503 so that load balancers stop
	// sending new requests before the server stops taking them.
	draining atomic.Bool
	// subs ends at shutdown, and with it the websocket subscriptions, which
	// http.Server.Shutdown neither waits for nor closes.
	subs    context.Context
	endSubs context.CancelFunc
	server  *http.Server
	wg      sync.WaitGroup
	cancel  context.CancelFunc
}

// New connects to the database, checks (or migrates) the schema and assembles the services.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, opts Options) (*App, error) {
	pool, err := postgres.Open(ctx, cfg.DatabaseURL, cfg.DatabaseMaxConn)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Log: log, Pool: pool, opts: opts}
	a.subs, a.endSubs = context.WithCancel(context.Background())
	// Links in shares, notifications and e-mail are built with the public URL, so it is settled
	// before any service is: configured, or the address this process binds now.
	if err := a.settlePublicURL(); err != nil {
		pool.Close()
		return nil, err
	}
	built := false
	defer func() {
		if !built && a.listener != nil {
			_ = a.listener.Close()
		}
	}()
	if err := a.checkSchema(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	a.Users = auth.NewUsers(pool)
	a.Content = content.NewService(pool, boards.OnVisibleBoard)
	a.Approval = approval.NewService(pool)
	// What follows a review, in the review's transaction: an approved post lands on the boards it
	// was aimed at and its planned publication is scheduled; an approval taken away takes it off.
	a.Approval.OnApproved(boards.PlaceApproved)
	a.Approval.OnApproved(func(ctx context.Context, w postgres.Execer, postID, _ uuid.UUID) error {
		return publish.SchedulePlanned(ctx, w, postID)
	})
	a.Approval.OnUnapproved(boards.RemoveUnapproved)
	a.Boards = boards.NewService(pool)
	index, err := OpenIndex(ctx, cfg, pool)
	if err != nil {
		pool.Close()
		return nil, err
	}
	a.Index = index
	a.Indexer = boards.NewIndexer(pool, a.Index, log)
	if a.Secrets, err = secretbox.Parse(cfg.SecretKeys); err != nil {
		pool.Close()
		return nil, fmt.Errorf("CLEARPOST_SECRET_KEYS: %w", err)
	}
	if a.Tracing, err = tracing.New(cfg.OTLPEndpoint, "clearpost"); err != nil {
		pool.Close()
		return nil, fmt.Errorf("CLEARPOST_OTLP_ENDPOINT: %w", err)
	}
	a.adapters = platform.Adapters(platform.Options{
		HTTPClient: opts.HTTPClient, Tracer: a.Tracing,
		LinkedInBaseURL: cfg.LinkedInAPIURL, XBaseURL: cfg.XAPIURL, FacebookBaseURL: cfg.FacebookAPIURL,
		AllowPrivateAddresses: cfg.AllowPrivateTargets,
	})
	a.Publish = publish.NewService(pool, a.Secrets, a.adapters, log)
	a.Advocacy = advocacy.NewService(pool, a.Secrets, a.Approval, a.PublicURL())
	if a.Notify, err = notify.NewService(pool, a.Secrets, notify.Options{
		Mail:      notify.MailOptions{URL: cfg.SMTPURL, From: cfg.SMTPFrom, TLSPolicy: notify.TLSPolicy(cfg.SMTPTLS)},
		PublicURL: a.PublicURL(), HTTPClient: opts.HTTPClient, AllowPrivateTargets: cfg.AllowPrivateTargets,
	}, log); err != nil {
		pool.Close()
		return nil, err
	}
	a.Hub = notify.NewHub(pool, log)
	a.Webhooks = webhooks.NewService(pool, a.Secrets, log, webhooks.Options{AllowLoopback: cfg.AllowPrivateTargets})
	if cfg.AuditSigningKey != nil {
		a.Sealer = audit.NewSealer(pool, cfg.AuditSigningKey, log)
	}
	if a.metrics, err = newMetricsServer(cfg.MetricsAddr, pool, cfg.RedisURL, log); err != nil {
		pool.Close()
		return nil, err
	}
	a.Publish.OnPublished(a.metrics.Metrics().ObservePublishLateness)
	if a.metrics != nil {
		a.metrics.draining = a.draining.Load
	}
	built = true
	return a, nil
}

func (a *App) checkSchema(ctx context.Context) error {
	m, err := postgres.NewMigrator(a.Pool)
	if err != nil {
		return err
	}
	defer m.Close()
	if a.opts.Migrate {
		return m.Up(ctx, a.Log)
	}
	n, err := m.Pending(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("the database schema is %d migrations behind: run `clearpost migrate up` (or set CLEARPOST_AUTO_MIGRATE=true)", n)
	}
	return nil
}

// OpenIndex returns the configured search backend: Meilisearch when CLEARPOST_MEILI_URL is set
// (its index created and set up), PostgreSQL otherwise.
func OpenIndex(ctx context.Context, cfg config.Config, pool *pgxpool.Pool) (search.Index, error) {
	if cfg.MeiliURL == "" {
		return searchpg.New(pool), nil
	}
	x, err := meili.Open(ctx, meili.Config{URL: cfg.MeiliURL, APIKey: cfg.MeiliKey, Index: cfg.MeiliIndex})
	if err != nil {
		return nil, fmt.Errorf("meilisearch at %s: %w", cfg.MeiliURL, err)
	}
	return x, nil
}

// PublicURL is how browsers reach this process: CLEARPOST_PUBLIC_URL, else (development and
// tests) the address New bound. It is an absolute URL from New on.
func (a *App) PublicURL() string {
	return strings.TrimSuffix(a.Config.PublicURL, "/")
}

// settlePublicURL makes Config.PublicURL absolute: without CLEARPOST_PUBLIC_URL, an API process
// binds its address now and is reached there; a process without the API has nothing to derive it
// from and refuses (serve and worker require the variable; see config.RequireServe).
func (a *App) settlePublicURL() error {
	if a.Config.PublicURL != "" {
		u, err := url.Parse(a.Config.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("CLEARPOST_PUBLIC_URL: %q is not an http(s):// URL", a.Config.PublicURL)
		}
		return nil
	}
	if !a.opts.HTTP {
		return errors.New("CLEARPOST_PUBLIC_URL: required (links in shares, notifications and e-mail are built with it)")
	}
	if err := a.Listen(); err != nil {
		return err
	}
	host, port, _ := net.SplitHostPort(a.Addr())
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		_ = a.listener.Close()
		a.listener = nil
		return fmt.Errorf("CLEARPOST_PUBLIC_URL: required when listening on every interface (%s)", a.Config.HTTPAddr)
	}
	a.Config.PublicURL = "http://" + net.JoinHostPort(host, port)
	return nil
}

// Handler returns the HTTP routes with their middleware.
func (a *App) Handler() (http.Handler, error) {
	mapping := auth.Mapping{GroupsClaim: a.Config.GroupsClaim, GroupMap: a.Config.GroupMap, BootstrapAdmins: a.Config.BootstrapAdmins}
	authn := auth.NewAuthenticator(a.Pool, mapping, a.Log, a.opts.HTTPClient)
	public, err := url.Parse(a.PublicURL())
	if err != nil {
		return nil, fmt.Errorf("public URL: %w", err)
	}
	sessions := auth.NewSessions(a.Pool, auth.SessionOptions{
		IdleTimeout: a.Config.SessionIdleTimeout, Lifetime: a.Config.SessionLifetime,
		// Secure everywhere but plain http on loopback (development).
		Secure: public.Scheme == "https" || !isLoopback(public.Hostname()),
		Log:    a.Log,
	})
	secrets := map[string]string{}
	if a.Config.OIDCIssuer != "" && a.Config.OIDCClientSecret != "" {
		secrets[a.Config.OIDCIssuer] = a.Config.OIDCClientSecret
	}
	for _, p := range a.Config.Providers {
		if p.ClientSecret != "" {
			secrets[p.Issuer] = p.ClientSecret
		}
	}
	signOn, err := auth.NewSignOn(authn, sessions, auth.SignOnOptions{
		PublicURL: a.PublicURL(), Secrets: secrets, Scopes: a.Config.OIDCScopes, TrustedOrigins: a.Config.CORSOrigins,
		StateKeys: a.Secrets,
	}, a.Log)
	if err != nil {
		return nil, err
	}

	var signers []ed25519.PublicKey
	if a.Config.AuditSigningKey != nil {
		signers = append(signers, a.Config.AuditSigningKey.Public().(ed25519.PublicKey))
	}
	gql := graph.NewHandler(graph.NewResolver(graph.Services{
		Users: a.Users, Content: a.Content, Approval: a.Approval, Boards: a.Boards,
		Search: search.NewService(a.Index, a.Boards, a.Config.MeiliSearchKeyUID, a.Config.MeiliSearchKey),
		Audit:  reports.NewAudit(a.Pool, signers...), Publish: a.Publish, Webhooks: a.Webhooks,
		Advocacy: a.Advocacy, Notify: a.Notify, Hub: a.Hub,
	}), graph.Options{
		Log: a.Log, ComplexityLimit: a.Config.QueryComplexity, DepthLimit: a.Config.QueryDepth,
		Authenticator: authn, TrustedOrigins: a.Config.CORSOrigins, Introspection: a.Config.Introspection,
		Metrics: a.metrics.Metrics().GraphQL(),
	})
	// Bearer tokens and session cookies both authenticate /graphql; cookie requests are checked
	// against cross-site forgery. CORS answers only the configured origins.
	limited := httpserver.RateLimitCallers(gql, int(a.Config.RateLimitUser), int(a.Config.RateLimitAddress))
	api := httpserver.Bearer(signOn.Cookie(limited), authn, a.Log)
	if len(a.Config.CORSOrigins) > 0 { // an empty list would mean "any origin" to the cors package
		api = cors.New(cors.Options{
			AllowedOrigins: a.Config.CORSOrigins, AllowCredentials: true,
			AllowedMethods: []string{http.MethodGet, http.MethodPost},
			AllowedHeaders: []string{"Authorization", "Content-Type", "X-Request-Id"},
			MaxAge:         600,
		}).Handler(api)
	}

	mux := http.NewServeMux()
	mux.Handle("/graphql", a.subscriptions(httpserver.LimitBody(api, a.Config.MaxBodyBytes)))
	if a.Config.Playground {
		mux.Handle("GET /graphql/ide", ide.Handler("/graphql/ide", "/graphql"))
		mux.Handle("GET /graphql/ide/", ide.Handler("/graphql/ide", "/graphql"))
	}
	// Sign-in, SCIM and tracked links answer anyone: each address gets its share.
	signOnMux := http.NewServeMux()
	signOn.Routes(signOnMux)
	mux.Handle("/auth/", httpserver.RateLimit(signOnMux, int(a.Config.RateLimitAddress), httpserver.ByAddress))
	// SCIM provisioning: its own bearer tokens, per organization; no cookies, so no CSRF check.
	var scimOpts []scim.Option
	if a.Config.PublicURL != "" {
		scimOpts = append(scimOpts, scim.WithBaseURL(strings.TrimSuffix(a.Config.PublicURL, "/")+scim.Prefix))
	}
	mux.Handle(scim.Prefix+"/", httpserver.RateLimit(scim.New(a.Pool, mapping, a.Log, scimOpts...).Handler(), int(a.Config.RateLimitAddress), httpserver.ByAddress))
	mux.Handle("GET /{$}", signOn.Cookie(http.HandlerFunc(home)))
	mux.Handle("/", http.HandlerFunc(home)) // the web app: assets and its routes (history fallback)
	redisOpt, err := jobs.ParseRedisURL(a.Config.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("CLEARPOST_REDIS_URL: %w", err)
	}
	mux.Handle(QueuesPath+"/", httpserver.Bearer(signOn.Cookie(queueDashboard(redisOpt)), authn, a.Log))
	// Tracked share links: one cache hit per click; clicks are buffered and written to the outbox
	// in batches.
	redirector, err := advocacy.NewRedirector(a.Pool, advocacy.RedirectOptions{
		VisitorKey: []byte(a.Config.ClickKey), Log: a.Log, Dropped: a.metrics.Metrics().CountDroppedClick,
	})
	if err != nil {
		return nil, fmt.Errorf("tracked links (CLEARPOST_CLICK_KEY): %w", err)
	}
	a.redirectors = append(a.redirectors, redirector)
	mux.Handle("GET /s/{code}", httpserver.RateLimit(redirector, int(a.Config.RateLimitLinks), httpserver.ByAddress))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if a.draining.Load() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.Pool.Ping(ctx); err != nil {
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	for pattern, h := range a.opts.Mount {
		mux.Handle(pattern, h)
	}
	// A span per request. Its trace context from the client is not trusted: the request starts a
	// trace of its own, linked to the client's.
	// Metrics wrap the mux itself: the mux sets the route pattern on the request it is given.
	traced := otelhttp.NewHandler(httpserver.Common(a.metrics.Metrics().Instrument(mux), a.Log, a.Config.TrustProxyHeader), "http",
		otelhttp.WithTracerProvider(a.Tracing), otelhttp.WithPropagators(propagation.TraceContext{}), otelhttp.WithPublicEndpointFn(func(*http.Request) bool { return true }),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method + " " + routeOf(r.URL.Path) }))
	return traced, nil
}

// routeOf names a request's route for its span: its first path segment, never an id or a code.
func routeOf(path string) string {
	first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	return "/" + first
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Listen binds the HTTP address (port 0 picks a free port; see Addr). It is done once: by New
// when the public URL comes from the address, or with Options.Listener.
func (a *App) Listen() error {
	if !a.opts.HTTP || a.listener != nil {
		return nil
	}
	if a.opts.Listener != nil {
		a.listener = a.opts.Listener
		return nil
	}
	l, err := net.Listen("tcp", a.Config.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.Config.HTTPAddr, err)
	}
	a.listener = l
	return nil
}

// MetricsAddr is the address /metrics is served on ("" when CLEARPOST_METRICS_ADDR is empty).
func (a *App) MetricsAddr() string { return a.metrics.Addr() }

// Addr is the address the API listens on, once Listen has run.
func (a *App) Addr() string {
	if a.listener == nil {
		return ""
	}
	return a.listener.Addr().String()
}

// subscriptions gives websocket requests (subscriptions) a context that ends at shutdown.
func (a *App) subscriptions(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		stop := context.AfterFunc(a.subs, cancel)
		defer stop()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Run serves until ctx is cancelled or Shutdown is called.
func (a *App) Run(ctx context.Context) error {
	ctx, a.cancel = context.WithCancel(ctx)
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		a.metrics.Run(ctx)
	}()
	if a.opts.Worker {
		if a.Sealer == nil {
			return errors.New("the worker needs CLEARPOST_AUDIT_SIGNING_KEY to seal the audit log")
		}
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			a.Sealer.Run(ctx, a.Config.AuditSealEvery)
		}()
		a.Log.Info("audit sealer started", slog.Duration("audit_seal_interval", a.Config.AuditSealEvery))
	}
	if a.opts.Queue {
		if err := a.startQueue(ctx); err != nil {
			return err
		}
	}
	if !a.opts.HTTP {
		<-ctx.Done()
		return nil
	}
	if a.listener == nil {
		if err := a.Listen(); err != nil {
			return err
		}
	}
	handler, err := a.Handler()
	if err != nil {
		return err
	}
	// Subscriptions: new notifications reach this process's websockets through the hub.
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		if err := a.Hub.Run(ctx); err != nil && ctx.Err() == nil {
			a.Log.Error("notification hub", slog.Any("error", err))
		}
	}()
	a.server = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	a.Log.Info("serving", slog.String("addr", a.Addr()))
	errc := make(chan error, 1)
	go func() { errc <- a.server.Serve(a.listener) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
		return nil
	}
}

// Periodic is the work every worker's scheduler enqueues, once per period between them.
func Periodic() []jobs.Periodic {
	return []jobs.Periodic{
		{Type: jobs.TypeBoardsExpire, Every: time.Minute},
		{Type: jobs.TypeReviewSLA, Every: time.Minute},
		{Type: jobs.TypeReconcile, Every: jobs.ReconcileEvery},
	}
}

// startQueue runs the outbox relay and the task handlers until ctx is done.
func (a *App) startQueue(ctx context.Context) error {
	redisOpt, err := jobs.ParseRedisURL(a.Config.RedisURL)
	if err != nil {
		return fmt.Errorf("CLEARPOST_REDIS_URL: %w", err)
	}
	routes := jobs.AllRoutes()
	client := asynq.NewClient(redisOpt)
	relay := jobs.NewRelay(a.Pool, client, routes, a.Log)
	relay.MaxRetry = map[string]int{
		jobs.TypePublishChannel: publish.MaxAttempts - 1, jobs.TypeWebhookDeliver: webhooks.MaxRetry, jobs.TypeSharePublish: 10,
		jobs.TypeNotifyEmail: 10, jobs.TypeNotifySlack: 10, jobs.TypeShareClick: 10,
	}
	worker := jobs.NewWorker(redisOpt, a.Log, int(a.Config.WorkerConcurrency), jobs.WithRetryBase(a.Config.RetryBase))
	worker.RecordCompletions(a.Pool)
	worker.Trace(a.Tracing)
	a.Reconciler = jobs.NewReconciler(a.Pool, relay, a.Log)
	inspector := asynq.NewInspector(redisOpt)
	a.Reconciler.Inspector = inspector
	worker.Handle(jobs.TypeReconcile, asynq.HandlerFunc(func(ctx context.Context, _ *asynq.Task) error {
		_, err := a.Reconciler.Sweep(ctx)
		return err
	}))
	worker.Handle("search:", a.Indexer)
	worker.Handle(jobs.TypePublishChannel, asynq.HandlerFunc(a.Publish.ProcessTask))
	worker.Handle(jobs.TypeWebhookFanout, asynq.HandlerFunc(a.Webhooks.HandleFanout))
	worker.Handle(jobs.TypeWebhookDeliver, asynq.HandlerFunc(a.Webhooks.HandleDeliver))
	worker.Handle(jobs.TypeSharePublish, advocacy.NewPublishHandler(a.Pool, a.Secrets, sharePublisher{a.adapters}, a.PublicURL(), a.Log))
	worker.Handle(jobs.TypeShareClick, advocacy.NewClickHandler(a.Pool))
	approvals := advocacy.NewApprovalHandler(a.Pool, a.Log)
	worker.Handle(jobs.TypeShareApproved, approvals)
	worker.Handle(jobs.TypeShareDecided, approvals)
	worker.Handle(jobs.TypeNotifyEvent, asynq.HandlerFunc(a.Notify.ProcessEvent))
	worker.Handle(jobs.TypeNotifyEmail, asynq.HandlerFunc(a.Notify.ProcessEmail))
	worker.Handle(jobs.TypeNotifySlack, asynq.HandlerFunc(a.Notify.ProcessSlack))
	worker.Handle(jobs.TypeReviewSLA, asynq.HandlerFunc(a.Notify.ProcessSLA))
	expirer := boards.NewExpirer(a.Pool, a.Log)
	worker.Handle(jobs.TypeBoardsExpire, asynq.HandlerFunc(func(ctx context.Context, _ *asynq.Task) error {
		if _, err := expirer.Sweep(ctx); err != nil {
			return err
		}
		_, err := a.Approval.ExpireStale(ctx)
		return err
	}))
	scheduler, err := jobs.NewScheduler(redisOpt, a.Log, Periodic())
	if err != nil {
		return err
	}
	if err := worker.CheckRoutes(routes); err != nil {
		return err
	}
	a.wg.Add(2)
	go func() {
		defer a.wg.Done()
		relay.Run(ctx)
		_ = client.Close()
	}()
	context.AfterFunc(ctx, func() { _ = inspector.Close() })
	go func() {
		defer a.wg.Done()
		if err := worker.Run(ctx); err != nil {
			a.Log.Error("task worker", slog.Any("error", err))
		}
	}()
	if err := scheduler.Run(); err != nil {
		return fmt.Errorf("start scheduler: %w", err)
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		<-ctx.Done()
		scheduler.Shutdown()
	}()
	return nil
}

// Shutdown stops serving gracefully: /readyz turns unready at once, and after
// CLEARPOST_SHUTDOWN_DELAY (time for load balancers to notice) the server stops taking requests,
// lets those in flight finish, and closes websocket subscriptions (a normal close frame, on which
// graphql-ws clients reconnect, to another replica). Then the worker hands back what it could not finish, background
// loops stop, the tracked-link clicks still in memory are written to the outbox and the pool
// closes. ctx bounds the whole.
func (a *App) Shutdown(ctx context.Context) error {
	a.draining.Store(true)
	var err error
	if a.server != nil {
		select {
		case <-time.After(a.Config.ShutdownDelay):
		case <-ctx.Done():
		}
		a.endSubs()
		err = a.server.Shutdown(ctx)
	}
	if a.cancel != nil {
		a.cancel()
	}
	a.wg.Wait()
	for _, rd := range a.redirectors {
		if cerr := rd.Close(ctx); cerr != nil && err == nil {
			err = fmt.Errorf("write buffered clicks: %w", cerr)
		}
	}
	a.Pool.Close()
	if terr := a.Tracing.Shutdown(ctx); terr != nil && err == nil {
		err = fmt.Errorf("flush traces: %w", terr)
	}
	return err
}
