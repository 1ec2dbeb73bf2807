// Package model holds the GraphQL inputs, payloads and connections that have no domain type, and
// the scalars' marshallers.
package model

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"clearpost/internal/apperr"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/uuid"
)

// MarshalUUID writes a UUID as an ID.
func MarshalUUID(id uuid.UUID) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { io.WriteString(w, strconv.Quote(id.String())) })
}

// UnmarshalUUID reads an ID that must be a UUID.
func UnmarshalUUID(v any) (uuid.UUID, error) {
	s, ok := v.(string)
	if !ok {
		return uuid.Nil, apperr.Invalidf("", "want an ID string, got %T", v)
	}
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, apperr.Invalidf("", "%q is not a valid ID", s)
	}
	return id, nil
}

// MarshalInt64ID writes a numeric id (audit events) as an ID string.
func MarshalInt64ID(id int64) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { io.WriteString(w, strconv.Quote(strconv.FormatInt(id, 10))) })
}

// UnmarshalInt64ID reads a numeric ID.
func UnmarshalInt64ID(v any) (int64, error) {
	switch v := v.(type) {
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, apperr.Invalidf("", "%q is not a valid ID", v)
		}
		return n, nil
	case json.Number:
		return v.Int64()
	case int64:
		return v, nil
	}
	return 0, fmt.Errorf("want an ID string, got %T", v)
}

// MarshalJSON writes raw JSON as is.
func MarshalJSON(raw json.RawMessage) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		if len(raw) == 0 {
			io.WriteString(w, "null")
			return
		}
		w.Write(raw)
	})
}

// UnmarshalJSON reads any JSON value.
func UnmarshalJSON(v any) (json.RawMessage, error) {
	return json.Marshal(v)
}

// MarshalString writes a String.
func MarshalString(s string) graphql.Marshaler { return graphql.MarshalString(s) }

// UnmarshalString reads a String input strictly, as the GraphQL specification asks: any value
// that is not a string (a number, a boolean) is a request error, not coerced. Text containing the
// NUL character is refused too: PostgreSQL cannot store it, and no user means to type it.
func UnmarshalString(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", apperr.Invalidf("", "must be a string, not %s", jsonKind(v))
	}
	if strings.IndexByte(s, 0) >= 0 {
		return "", apperr.Invalidf("", "must not contain the NUL character")
	}
	return s, nil
}

// jsonKind names the JSON kind of a decoded value for an error message.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number, int, int64, float64:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// Node is any object with a globally unique id (Relay's object identification). The executor
// tells the concrete type by a type switch over the schema's implementors.
type Node interface{}
