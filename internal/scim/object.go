package scim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
)

// object is a JSON object of a request. SCIM attribute names are case-insensitive, so lookups
// are too.
type object map[string]any

// get returns the value of attribute name, matched case-insensitively.
func (o object) get(name string) (any, bool) {
	if v, ok := o[name]; ok {
		return v, true
	}
	for k, v := range o {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

// maxStringLen bounds every string attribute a client may set.
const maxStringLen = 1024

// asString returns v as a string; null is the empty string (an unassigned attribute).
func asString(field string, v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		if len(v) > maxStringLen {
			return "", invalidValue("%s is longer than %d bytes", field, maxStringLen)
		}
		if strings.ContainsRune(v, 0) {
			return "", invalidValue("%s contains a NUL character", field)
		}
		return strings.TrimSpace(v), nil
	}
	return "", invalidValue("%s must be a string, not %s", field, jsonType(v))
}

// asBool returns v as a boolean. Entra ID sends booleans as the strings "True" and "False" in
// PATCH operations, so those are accepted too.
func asBool(field string, v any) (bool, error) {
	switch v := v.(type) {
	case bool:
		return v, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return false, invalidValue("%s must be a boolean, not %s", field, jsonType(v))
}

// asObject returns v as an object.
func asObject(field string, v any) (object, error) {
	if m, ok := v.(map[string]any); ok {
		return object(m), nil
	}
	return nil, invalidValue("%s must be an object, not %s", field, jsonType(v))
}

// asList returns v as an array; a single object stands for an array of one, as some clients
// send it.
func asList(field string, v any) ([]any, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case []any:
		return v, nil
	case map[string]any:
		return []any{v}, nil
	}
	return nil, invalidValue("%s must be an array, not %s", field, jsonType(v))
}

// jsonType names the JSON type of v, for error messages.
func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number, float64:
		return "a number"
	case string:
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		b, _ := json.Marshal(v)
		return "the string " + string(b)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "an unknown value"
}

// readObject reads the request body as one JSON object with numbers kept as json.Number.
func readObject(r *http.Request) (object, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, &scimError{Status: http.StatusRequestEntityTooLarge, Detail: "request body too large"}
		}
		return nil, badRequest(typeInvalidSyntax, "could not read the request body")
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, badRequest(typeInvalidSyntax, "the request body is not valid JSON")
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return nil, badRequest(typeInvalidSyntax, "the request body holds more than one JSON value")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, badRequest(typeInvalidSyntax, "the request body must be a JSON object")
	}
	return object(m), nil
}

// requireSchema checks that body names schema among its "schemas".
func requireSchema(body object, schema string) error {
	v, ok := body.get("schemas")
	if !ok {
		return badRequest(typeInvalidSyntax, `"schemas" is missing: it must list %s`, schema)
	}
	list, ok := v.([]any)
	if !ok {
		return badRequest(typeInvalidSyntax, `"schemas" must be an array`)
	}
	for _, e := range list {
		if s, ok := e.(string); ok && strings.EqualFold(s, schema) {
			return nil
		}
	}
	return badRequest(typeInvalidSyntax, `"schemas" must list %s`, schema)
}
