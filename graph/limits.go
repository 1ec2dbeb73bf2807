package graph

import (
	"context"
	"fmt"
	"strings"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// DefaultMaxListItems is how many items any list in an operation's arguments may hold (a board's
// audience groups, a post's tags, ids to mark read, ...), unless Options.MaxListItems says
// otherwise. The schema's description states it.
const DefaultMaxListItems = 100

// operationError is an error refusing a whole operation, with its extensions.code.
func operationError(code apperr.Code, format string, a ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, a...)
	err.Extensions = map[string]any{"code": string(code)}
	return err
}

// signedIn refuses every operation of a caller who is not signed in, introspection included,
// before any resolver runs; and turns introspection on for signed-in callers where allowed.
type signedIn struct{ introspection bool }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = signedIn{}

func (signedIn) ExtensionName() string                   { return "SignedIn" }
func (signedIn) Validate(graphql.ExecutableSchema) error { return nil }
func (s signedIn) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if auth.PrincipalFrom(ctx) == nil {
		return operationError(apperr.Unauthenticated, "sign in first: send a session cookie or an Authorization: Bearer <token> header")
	}
	oc.DisableIntrospection = !s.introspection
	if oc.DisableIntrospection && oc.Operation != nil && introspects(oc.Operation.SelectionSet, oc.Doc.Fragments, 0) {
		return operationError(apperr.Forbidden, "introspection is turned off on this server (CLEARPOST_GRAPHQL_INTROSPECTION)")
	}
	return nil
}

// introspects reports whether a selection reads __schema or __type.
func introspects(set ast.SelectionSet, fragments ast.FragmentDefinitionList, seen int) bool {
	if seen > 64 {
		return false
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				return true
			}
		case *ast.InlineFragment:
			if introspects(s.SelectionSet, fragments, seen+1) {
				return true
			}
		case *ast.FragmentSpread:
			if f := fragments.ForName(s.Name); f != nil && introspects(f.SelectionSet, fragments, seen+1) {
				return true
			}
		}
	}
	return false
}

// listLimit refuses an operation any of whose arguments holds a list longer than max, naming the
// argument: a bounded request cannot make the server store or scan an unbounded list.
type listLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = listLimit{}

func (listLimit) ExtensionName() string                   { return "ListLimit" }
func (listLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (l listLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	var problem *gqlerror.Error
	walkFields(oc.Operation.SelectionSet, oc.Doc.Fragments, 0, func(f *ast.Field) bool {
		for name, v := range f.ArgumentMap(oc.Variables) {
			if field, n := l.longest(name, v); field != "" {
				problem = operationError(apperr.Invalid, "%s: holds %d items; at most %d are allowed", field, n, l.max)
				problem.Extensions["field"] = field
				return false
			}
		}
		return true
	})
	return problem
}

// longest finds a list longer than allowed in one argument value: its path and length.
func (l listLimit) longest(path string, v any) (string, int) {
	switch v := v.(type) {
	case []any:
		if len(v) > l.max {
			return path, len(v)
		}
		for i, item := range v {
			if field, n := l.longest(fmt.Sprintf("%s[%d]", path, i), item); field != "" {
				return field, n
			}
		}
	case map[string]any:
		for k, item := range v {
			if field, n := l.longest(path+"."+k, item); field != "" {
				return field, n
			}
		}
	}
	return "", 0
}

// walkFields calls fn for every field of a selection, through fragments, until fn returns false.
func walkFields(set ast.SelectionSet, fragments ast.FragmentDefinitionList, seen int, fn func(*ast.Field) bool) bool {
	if seen > 64 { // fragment cycles are refused by validation; this only bounds the walk
		return true
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			if !fn(s) || !walkFields(s.SelectionSet, fragments, seen+1, fn) {
				return false
			}
		case *ast.InlineFragment:
			if !walkFields(s.SelectionSet, fragments, seen+1, fn) {
				return false
			}
		case *ast.FragmentSpread:
			if f := fragments.ForName(s.Name); f != nil && !walkFields(f.SelectionSet, fragments, seen+1, fn) {
				return false
			}
		}
	}
	return true
}
