package scim

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"strings"
)

// schemasJSON defines the attributes this server keeps (RFC 7643 section 7).
//
//go:embed schemas.json
var schemasJSON []byte

// schemaDefinitions are the parsed schemasJSON, each an object without meta.
var schemaDefinitions = func() []map[string]any {
	var defs []map[string]any
	if err := json.Unmarshal(schemasJSON, &defs); err != nil {
		panic("scim: bad schemas.json: " + err.Error())
	}
	return defs
}()

// serviceProviderConfig is GET /ServiceProviderConfig (RFC 7643 section 5).
func (s *Server) serviceProviderConfig(w http.ResponseWriter, r *http.Request, req request) error {
	supported := func(ok bool) map[string]any { return map[string]any{"supported": ok} }
	writeJSON(w, http.StatusOK, map[string]any{
		"schemas":          []string{"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"},
		"documentationUri": "https://datatracker.ietf.org/doc/html/rfc7644",
		"patch":            supported(true),
		"bulk":             map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":           map[string]any{"supported": true, "maxResults": maxCount},
		"changePassword":   supported(false),
		"sort":             supported(false),
		"etag":             supported(false),
		"authenticationSchemes": []any{map[string]any{
			"type":        "oauthbearertoken",
			"name":        "Bearer token",
			"description": "A bearer token of the organization, issued by an operator of Clearpost.",
			"primary":     true,
		}},
		"meta": map[string]any{"resourceType": "ServiceProviderConfig", "location": req.base + "/ServiceProviderConfig"},
	})
	return nil
}

// schemas is GET /Schemas and GET /Schemas/{id}.
func (s *Server) schemas(w http.ResponseWriter, r *http.Request, req request) error {
	var all []any
	for _, def := range schemaDefinitions {
		id := def["id"].(string)
		out := make(map[string]any, len(def)+1)
		for k, v := range def {
			out[k] = v
		}
		out["meta"] = map[string]any{"resourceType": "Schema", "location": req.location("Schemas", id)}
		if req.hasID && strings.EqualFold(req.id, id) {
			writeJSON(w, http.StatusOK, out)
			return nil
		}
		all = append(all, out)
	}
	if req.hasID {
		return notFound("schema %s not found", req.id)
	}
	writeJSON(w, http.StatusOK, newList(page{start: 1}, len(all), all))
	return nil
}

// resourceTypes is GET /ResourceTypes and GET /ResourceTypes/{name}.
func (s *Server) resourceTypes(w http.ResponseWriter, r *http.Request, req request) error {
	types := []map[string]any{
		{
			"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:ResourceType"},
			"id":      "User", "name": "User", "endpoint": "/Users", "description": "User Account",
			"schema":           schemaUser,
			"schemaExtensions": []any{map[string]any{"schema": schemaEnterprise, "required": false}},
			"meta":             map[string]any{"resourceType": "ResourceType", "location": req.location("ResourceTypes", "User")},
		},
		{
			"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:ResourceType"},
			"id":      "Group", "name": "Group", "endpoint": "/Groups", "description": "Group",
			"schema":           schemaGroup,
			"schemaExtensions": []any{},
			"meta":             map[string]any{"resourceType": "ResourceType", "location": req.location("ResourceTypes", "Group")},
		},
	}
	var all []any
	for _, t := range types {
		if req.hasID && strings.EqualFold(req.id, t["id"].(string)) {
			writeJSON(w, http.StatusOK, t)
			return nil
		}
		all = append(all, t)
	}
	if req.hasID {
		return notFound("resource type %s not found", req.id)
	}
	writeJSON(w, http.StatusOK, newList(page{start: 1}, len(all), all))
	return nil
}
