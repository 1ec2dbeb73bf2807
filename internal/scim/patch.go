package scim

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// PATCH operations (RFC 7644 section 3.5.2).
const (
	opAdd     = "add"
	opReplace = "replace"
	opRemove  = "remove"
)

// patchOp is one operation of a PATCH request. Op is lower-cased: Entra ID sends "Replace".
type patchOp struct {
	op    string
	path  *attrPath // nil: the value is an object of attributes of the resource itself
	value any
}

// maxPatchOps bounds the operations of one request.
const maxPatchOps = 1000

// readPatch reads a PatchOp request body.
func readPatch(r *http.Request) ([]patchOp, error) {
	body, err := readObject(r)
	if err != nil {
		return nil, err
	}
	if err := requireSchema(body, schemaPatchOp); err != nil {
		return nil, err
	}
	v, _ := body.get("Operations")
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, badRequest(typeInvalidSyntax, `"Operations" must be an array of one or more operations`)
	}
	if len(list) > maxPatchOps {
		return nil, badRequest(typeTooMany, "at most %d operations per request", maxPatchOps)
	}
	ops := make([]patchOp, 0, len(list))
	for i, e := range list {
		field := fmt.Sprintf("Operations[%d]", i)
		o, err := asObject(field, e)
		if err != nil {
			return nil, badRequest(typeInvalidSyntax, "%s must be an object", field)
		}
		opv, _ := o.get("op")
		name, _ := opv.(string)
		op := patchOp{op: strings.ToLower(name)}
		if op.op != opAdd && op.op != opReplace && op.op != opRemove {
			return nil, badRequest(typeInvalidSyntax, `%s.op must be "add", "replace" or "remove"`, field)
		}
		if pv, ok := o.get("path"); ok && pv != nil {
			ps, ok := pv.(string)
			if !ok {
				return nil, badRequest(typeInvalidPath, "%s.path must be a string", field)
			}
			if strings.TrimSpace(ps) != "" {
				p, err := parsePath(ps)
				if err != nil {
					return nil, err
				}
				op.path = &p
			}
		}
		var hasValue bool
		op.value, hasValue = o.get("value")
		switch {
		case op.op == opRemove && op.path == nil:
			return nil, badRequest(typeNoTarget, "%s: remove needs a path", field)
		case op.op != opRemove && !hasValue:
			return nil, badRequest(typeInvalidValue, "%s: %s needs a value", field, op.op)
		case op.path == nil:
			if _, ok := op.value.(map[string]any); !ok {
				return nil, badRequest(typeInvalidValue, "%s: without a path, the value must be an object of attributes", field)
			}
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// attrSetter applies one operation on one attribute path of a resource being edited.
type attrSetter func(op string, p attrPath, v any) error

// applyPatch applies ops in order with set. An operation without a path applies each attribute of
// its value as if it were a path of its own (Okta: {"op":"replace","value":{"active":false}};
// Entra ID also sends keys such as "name.givenName" or an extension attribute's full URN).
func applyPatch(ops []patchOp, set attrSetter) error {
	for _, op := range ops {
		if op.path != nil {
			if err := set(op.op, *op.path, op.value); err != nil {
				return err
			}
			continue
		}
		if err := applyObject(op.op, op.value.(map[string]any), set); err != nil {
			return err
		}
	}
	return nil
}

// applyObject applies each attribute of obj with set, as operation op, in the order of their names
// so that a request has one outcome.
func applyObject(op string, obj map[string]any, set attrSetter) error {
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		v := obj[k]
		p, err := parsePath(k)
		if err != nil {
			return badRequest(typeInvalidValue, "%q is not an attribute name", k)
		}
		if err := set(op, p, v); err != nil {
			return err
		}
	}
	return nil
}
