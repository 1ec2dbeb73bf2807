package metrics_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"clearpost/internal/metrics"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/testserver"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
)

func TestMetricsGraphQLOperations(t *testing.T) {
	t.Parallel()
	m := metrics.New(metrics.Options{MaxOperations: 2})
	gql := testserver.New()
	gql.AddTransport(transport.POST{})
	gql.Use(m.GraphQL())
	srv := httptest.NewServer(gql)
	t.Cleanup(srv.Close)
	send := func(query string, operationName ...string) {
		t.Helper()
		req := `{"query": "` + query + `"`
		if len(operationName) > 0 {
			req += `, "operationName": "` + operationName[0] + `"`
		}
		status, body := post(t, srv.URL, req+"}")
		t.Logf("%s: %d %s", query, status, body)
	}
	send("query Hello { name }")
	send("query Hello { name }")
	send("{ name }")
	send("query Second { name }")
	send("query Third { name }")            // past the cap of 2 names
	send("query Hello { nope }", "Hello")   // refused: validation, under an admitted name
	send("query Fourth { nope }", "Fourth") // refused, and a refusal admits no name
	send("query Broken {")                  // refused: parse
	send("mutation Second { name }")        // executed, answers an error without a code

	reg := m.Registry()
	for op, want := range map[string]float64{"Hello": 3, "Second": 2, metrics.Other: 1, metrics.Anonymous: 3} {
		if n := mustSample(t, reg, "clearpost_graphql_operation_duration_seconds", map[string]string{"operation": op}); n != want {
			t.Errorf("operation %s: %v, want %v", op, n, want)
		}
	}
	ops := labelValues(t, reg, "clearpost_graphql_operation_duration_seconds", "operation")
	if len(ops) != 4 {
		t.Errorf("operation labels %v, want Hello, Second, other, anonymous", ops)
	}
	for code, want := range map[string]float64{"GRAPHQL_VALIDATION_FAILED": 2, "GRAPHQL_PARSE_FAILED": 1, "NONE": 1} {
		if n := mustSample(t, reg, "clearpost_graphql_errors_total", map[string]string{"code": code}); n != want {
			t.Errorf("errors %s: %v, want %v", code, n, want)
		}
	}
}

func TestMetricsGraphQLFields(t *testing.T) {
	t.Parallel()
	m := metrics.New(metrics.Options{})
	ext := m.GraphQL().(graphql.RootFieldInterceptor)
	// As gqlgen's generated code does: the root field context's Object is the field's name; the
	// operation says query or mutation.
	resolve := func(op ast.Operation, field string) {
		ctx := graphql.WithOperationContext(context.Background(), &graphql.OperationContext{Operation: &ast.OperationDefinition{Operation: op}})
		ctx = graphql.WithRootFieldContext(ctx, &graphql.RootFieldContext{
			Object: field, Field: graphql.CollectedField{Field: &ast.Field{Name: field}},
		})
		ran := false
		ext.InterceptRootField(ctx, func(context.Context) graphql.Marshaler { ran = true; return graphql.Null })
		if !ran {
			t.Fatalf("%s %s did not resolve", op, field)
		}
	}
	resolve(ast.Query, "search")
	resolve(ast.Query, "search")
	resolve(ast.Query, "feed")
	resolve(ast.Query, "posts")
	resolve(ast.Mutation, "search")
	reg := m.Registry()
	if n := mustSample(t, reg, "clearpost_graphql_field_duration_seconds", map[string]string{"field": "search"}); n != 2 {
		t.Errorf("search: %v, want 2", n)
	}
	if n := mustSample(t, reg, "clearpost_graphql_field_duration_seconds", map[string]string{"field": "feed"}); n != 1 {
		t.Errorf("feed: %v, want 1", n)
	}
	if fields := labelValues(t, reg, "clearpost_graphql_field_duration_seconds", "field"); len(fields) != 2 {
		t.Errorf("field labels %v, want search and feed only", fields)
	}
}
