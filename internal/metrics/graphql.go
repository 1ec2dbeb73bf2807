package metrics

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// GraphQL returns the gqlgen extension that records operation latency
// (clearpost_graphql_operation_duration_seconds), errors by extensions.code
// (clearpost_graphql_errors_total) and the latency of the tracked Query fields
// (clearpost_graphql_field_duration_seconds). Add it first (srv.Use), so that the errors other
// extensions raise are counted too. A nil *Metrics returns nil: add nothing then.
//
// Operation names come from clients, so they are bounded twice: only an operation that was
// executed admits a new name (up to Options.MaxOperations, then "other"); one refused before
// execution (parse, validation, sign-in) is recorded under its name (its request's
// operationName when it did not parse) if that name was already admitted, else "anonymous".
func (m *Metrics) GraphQL() graphql.HandlerExtension {
	if m == nil {
		return nil
	}
	return graphQL{m}
}

type graphQL struct{ m *Metrics }

var (
	_ graphql.HandlerExtension     = graphQL{}
	_ graphql.OperationInterceptor = graphQL{}
	_ graphql.ResponseInterceptor  = graphQL{}
	_ graphql.RootFieldInterceptor = graphQL{}
)

func (graphQL) ExtensionName() string                   { return "Metrics" }
func (graphQL) Validate(graphql.ExecutableSchema) error { return nil }
func (g graphQL) record(oc *graphql.OperationContext, name string, resp *graphql.Response) {
	if resp != nil {
		g.m.countErrors(resp.Errors)
	}
	if oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
		return // a subscription's events come whenever they come
	}
	start := oc.Stats.OperationStart
	if start.IsZero() {
		return
	}
	g.m.gqlDuration.WithLabelValues(name).Observe(time.Since(start).Seconds())
}

type executedKey struct{}

// InterceptOperation sees every operation that was created and dispatched: each of its responses
// is recorded once it is produced.
func (g graphQL) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	h := next(ctx)
	oc := graphql.GetOperationContext(ctx)
	name := Anonymous
	if oc.Operation != nil && oc.Operation.Name != "" {
		name = g.m.operations.admit(oc.Operation.Name)
	}
	return func(ctx context.Context) *graphql.Response {
		resp := h(context.WithValue(ctx, executedKey{}, true))
		if resp != nil {
			g.record(oc, name, resp)
		}
		return resp
	}
}

// InterceptResponse records the responses that never reached InterceptOperation: the errors of
// a request refused before execution (Executor.DispatchError).
func (g graphQL) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if ctx.Value(executedKey{}) != nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	oc := graphql.GetOperationContext(ctx)
	// A query that failed to parse or validate has no Operation: the request's operationName is
	// all there is.
	name := oc.OperationName
	if oc.Operation != nil {
		name = oc.Operation.Name
	}
	if name == "" || !g.m.operations.known(name) {
		name = Anonymous
	}
	g.record(oc, name, resp)
	return resp
}

// InterceptRootField times the tracked Query fields, each with its whole selection.
func (g graphQL) InterceptRootField(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	// gqlgen's generated code sets the root field context's Object to the field's own name, so
	// the operation tells a query from a mutation.
	fc := graphql.GetRootFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || !g.m.fields[fc.Field.Name] || !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	if op := graphql.GetOperationContext(ctx).Operation; op == nil || op.Operation != ast.Query {
		return next(ctx)
	}
	start := time.Now()
	defer func() { g.m.fieldDuration.WithLabelValues(fc.Field.Name).Observe(time.Since(start).Seconds()) }()
	return next(ctx)
}

func (m *Metrics) countErrors(errs gqlerror.List) {
	for _, e := range errs {
		code := "NONE"
		if c, ok := e.Extensions["code"].(string); ok && c != "" {
			code = c
		}
		m.gqlErrors.WithLabelValues(m.codes.admit(code)).Inc()
	}
}
