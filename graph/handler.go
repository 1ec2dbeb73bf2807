package graph

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"clearpost/graph/exec"
	"clearpost/graph/model"
	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/httpserver"
	"clearpost/internal/text"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/google/uuid"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Options are the handler's limits.
type Options struct {
	Log             *slog.Logger
	ComplexityLimit int
	DepthLimit      int
	// Authenticator signs in subscriptions whose websocket carries a bearer token in its
	// connection_init payload ({"Authorization": "Bearer ..."}); browsers use their session cookie.
	Authenticator httpserver.Authenticator
	// TrustedOrigins may open websockets besides the API's own origin.
	TrustedOrigins []string
	// Introspection lets signed-in callers read the schema (__schema, __type); it is never open
	// to anonymous callers.
	Introspection bool
	// MaxListItems bounds every list in an operation's arguments (0: DefaultMaxListItems).
	MaxListItems int
	// Metrics times operations and counts errors by code (nil: none).
	Metrics graphql.HandlerExtension
}

// NewHandler returns the GraphQL endpoint: POST and GET (for persisted queries) transports,
// automatic persisted queries, complexity and depth limits, per-request dataloaders, and one error
// presenter that maps Clearpost errors to extensions.code and hides everything else.
func NewHandler(r *Resolver, o Options) http.Handler {
	srv := handler.New(exec.NewExecutableSchema(exec.Config{Resolvers: r, Complexity: complexity()}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 15 * time.Second,
		// A browser page of another site would send the session cookie along: the Origin must be
		// the API's own host (coder/websocket's default) or a trusted origin's.
		Implementation: transport.CoderWebsocketImplementation{AcceptOptions: websocket.AcceptOptions{OriginPatterns: originHosts(o.TrustedOrigins)}},
		InitFunc:       wsInit(o.Authenticator),
	})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if o.Metrics != nil {
		srv.Use(o.Metrics)
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	// Sign-in is checked before anything else is, so an anonymous caller learns nothing but that.
	srv.Use(signedIn{introspection: o.Introspection})
	srv.Use(extension.FixedComplexityLimit(o.ComplexityLimit))
	srv.Use(depthLimit{max: o.DepthLimit})
	srv.Use(listLimit{max: cmp.Or(o.MaxListItems, DefaultMaxListItems)})
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		return presentError(ctx, err, o.Log)
	})
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		httpserver.Logger(ctx, o.Log).Error("resolver panic", slog.Any("panic", v))
		return errors.New("internal error")
	})
	return withLoaders(srv, r)
}

// The fixed costs of the fields whose work does not depend on what they return: each search
// ranks up to 500 matches, a feed page reads the caller's boards, a report aggregates, and a chain
// verification recomputes every audit event. Under the default limit of 2,000 one request holds at
// most 9 searches, 1 verification, or 18 reports.
const (
	SearchCost = 200
	FeedCost   = 50
	ReportCost = 100
	VerifyCost = 1500
)

// complexity prices a list as its page size times what each item asks for, so that a client
// cannot ask for a thousand posts with a thousand versions each under the limit.
func complexity() exec.ComplexityRoot {
	var c exec.ComplexityRoot
	// A page larger than a list allows is refused by its resolver with a clear error; here it
	// counts as the largest page.
	page := func(child int, first *int, largest int) int { return 1 + child*min(max(deref(first), 1), largest) }
	c.Query.Posts = func(child int, first *int, _ *string, _ *model.PostFilter) int {
		return page(child, orDefault(first, 20), 100)
	}
	c.Query.Users = func(child int, first *int, _ *string, _ *model.UserFilter) int {
		return page(child, orDefault(first, 50), 200)
	}
	c.Query.ReviewQueue = func(child int, first *int, _ *string) int { return page(child, orDefault(first, 20), 100) }
	c.Query.Workflows = func(child int, first *int, _ *string) int { return page(child, orDefault(first, 50), 200) }
	c.Query.RoutingRules = func(child int, first *int, _ *string) int { return page(child, orDefault(first, 50), 200) }
	c.Query.AuditLog = func(child int, first *int, _ *string, _ *model.AuditFilter) int {
		return ReportCost + page(child, orDefault(first, 50), 500)
	}
	c.Query.Feed = func(child int, first *int, _ *string, _ *uuid.UUID) int {
		return FeedCost + page(child, orDefault(first, 20), 100)
	}
	c.Query.Boards = func(child int, first *int, _ *string, _ *bool) int {
		return page(child, orDefault(first, 50), 200)
	}
	c.Query.Search = func(child int, _ string, _ *uuid.UUID, _ []string, _ *string, first *int, _ *string) int {
		return SearchCost + page(child, orDefault(first, 20), 100)
	}
	// Reports read many rows whatever they return.
	c.Query.Leaderboard = func(child int, _, _ *time.Time, first *int) int {
		return ReportCost + page(child, orDefault(first, 20), 100)
	}
	// One employee's place is read from the whole ranking.
	c.Query.MyLeaderboardEntry = func(child int, _, _ *time.Time) int { return ReportCost + child }
	c.Query.ShareArchive = func(child int, _ *uuid.UUID, _, _ *time.Time, first *int, _ *string) int {
		return ReportCost + page(child, orDefault(first, 50), 200)
	}
	c.Query.VerifyAuditLog = func(child int) int { return VerifyCost + child }
	c.Board.Items = func(child int, first *int, _ *string) int { return page(child, orDefault(first, 20), 100) }
	// Lists without paging: priced at a typical length.
	const typical = 5
	c.Post.Versions = func(child int) int { return 1 + child*typical }
	c.Post.Decisions = func(child int) int { return 1 + child*typical }
	c.Post.Comments = func(child int) int { return 1 + child*typical }
	return c
}

func orDefault(first *int, n int) *int {
	if first == nil {
		return &n
	}
	return first
}

func presentError(ctx context.Context, err error, log *slog.Logger) *gqlerror.Error {
	gerr := graphql.DefaultErrorPresenter(ctx, err)
	var ae *apperr.Error
	if errors.As(err, &ae) {
		if ae.Field == "" && ae.Code == apperr.Invalid && len(gerr.Path) > 0 {
			// An input's own check (a scalar's) knows the problem; the path names the field.
			named := *ae
			named.Field = inputField(gerr.Path)
			ae = &named
		}
		gerr.Message = ae.Error()
		gerr.Extensions = map[string]any{"code": string(ae.Code)}
		if ae.Field != "" {
			gerr.Extensions["field"] = ae.Field
		}
		if ae.Reason != "" {
			gerr.Extensions["reason"] = ae.Reason
		}
		if len(ae.Problems) > 0 {
			problems := make([]map[string]string, len(ae.Problems))
			for i, p := range ae.Problems {
				problems[i] = map[string]string{"field": p.Field, "message": p.Message}
			}
			gerr.Extensions["problems"] = problems
		}
		return gerr
	}
	// gqlgen's own parse and validation errors already carry a code and a safe message.
	if gerr.Extensions != nil && gerr.Extensions["code"] != nil {
		return gerr
	}
	// A body that is not a GraphQL request in JSON is the client's mistake: say so briefly. The
	// transport's message quotes the whole body, which is neither echoed nor logged.
	if reason, ok := strings.CutPrefix(gerr.Message, "json request body could not be decoded: "); ok {
		reason, _, _ = strings.Cut(reason, " body:")
		if reason == "EOF" {
			reason = "the body is empty"
		}
		httpserver.Logger(ctx, log).Debug("graphql: undecodable request body", slog.String("reason", text.Truncate(reason, 120)))
		gerr.Message = "the request body must be a GraphQL request in JSON ({\"query\": ...}): " + text.Truncate(reason, 200)
		gerr.Extensions = map[string]any{"code": CodeBadRequest}
		return gerr
	}
	httpserver.Logger(ctx, log).Error("graphql", slog.Any("error", err), slog.String("path", gerr.Path.String()))
	gerr.Message = "internal error"
	gerr.Extensions = map[string]any{"code": string(apperr.Internal)}
	return gerr
}

// inputField names an argument's field from an error path, less the operation's field:
// [createPost content body] is "content.body".
func inputField(path ast.Path) string {
	if len(path) > 1 {
		path = path[1:]
	}
	var b strings.Builder
	for _, el := range path {
		switch el := el.(type) {
		case ast.PathName:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(string(el))
		case ast.PathIndex:
			fmt.Fprintf(&b, "[%d]", int(el))
		}
	}
	return b.String()
}

// depthLimit refuses operations nested deeper than max.
type depthLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (d depthLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || d.max <= 0 {
		return nil
	}
	if depth := selectionDepth(oc.Operation.SelectionSet, oc.Doc.Fragments, 0); depth > d.max {
		err := gqlerror.Errorf("operation is nested %d levels deep; at most %d are allowed", depth, d.max)
		err.Extensions = map[string]any{"code": string(apperr.Invalid)}
		return err
	}
	return nil
}

func selectionDepth(set ast.SelectionSet, fragments ast.FragmentDefinitionList, seen int) int {
	if seen > 64 { // fragment cycles are refused by validation; this only bounds the walk
		return seen
	}
	deepest := 0
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				// Introspection (__schema, __type) reads the schema, not data: its nesting is
				// fixed by the schema and clients' standard query goes 15 levels deep.
				continue
			}
			if len(s.SelectionSet) > 0 {
				d = 1 + selectionDepth(s.SelectionSet, fragments, seen+1)
			} else {
				d = 1
			}
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, fragments, seen+1)
		case *ast.FragmentSpread:
			if f := fragments.ForName(s.Name); f != nil {
				d = selectionDepth(f.SelectionSet, fragments, seen+1)
			}
		}
		deepest = max(deepest, d)
	}
	return deepest
}

func badInput(field, format string, a ...any) error {
	return apperr.Invalidf(field, "%s", fmt.Sprintf(format, a...))
}

// originHosts are the hosts of trusted origins, as websocket origin patterns.
func originHosts(origins []string) []string {
	var hosts []string
	for _, o := range origins {
		if u, err := url.Parse(o); err == nil && u.Host != "" {
			hosts = append(hosts, u.Host)
		}
	}
	return hosts
}

// CodeBadRequest is the extensions.code of a request that is not a GraphQL request at all.
const CodeBadRequest = "BAD_REQUEST"

// wsInit authenticates a websocket whose request carried no session: the connection_init payload
// may carry a bearer token.
func wsInit(a httpserver.Authenticator) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		// The acknowledgement carries no payload: nothing the client sent (its token) is echoed.
		if auth.PrincipalFrom(ctx) != nil {
			return ctx, nil, nil
		}
		raw := payload.Authorization()
		if raw == "" {
			raw = payload.GetString("authorization")
		}
		scheme, token, ok := strings.Cut(raw, " ")
		if a == nil || !ok || !strings.EqualFold(scheme, "Bearer") {
			return ctx, nil, errors.New("sign in: send a session cookie or {\"Authorization\": \"Bearer <token>\"} in connection_init")
		}
		p, err := a.Authenticate(ctx, strings.TrimSpace(token))
		if err != nil {
			return ctx, nil, errors.New("the bearer token was refused")
		}
		return auth.WithPrincipal(ctx, p), nil, nil
	}
}
