package scim_test

import (
	"net/http"
	"testing"
)

func TestDiscoveryEndpoints(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do(t, http.MethodGet, "/ServiceProviderConfig", nil).want(t, http.StatusOK)
	patch, _ := r.body["patch"].(map[string]any)
	filter, _ := r.body["filter"].(map[string]any)
	schemes, _ := r.body["authenticationSchemes"].([]any)
	if patch["supported"] != true || filter["supported"] != true || len(schemes) != 1 {
		t.Errorf("ServiceProviderConfig: %s", r.raw)
	}

	r = b.do(t, http.MethodGet, "/Schemas", nil).want(t, http.StatusOK)
	if res, _ := r.body["Resources"].([]any); r.body["totalResults"] != 3.0 || len(res) != 3 {
		t.Errorf("Schemas: %s", r.raw)
	}
	r = b.do(t, http.MethodGet, "/Schemas/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", nil).want(t, http.StatusOK)
	if r.str("name") != "EnterpriseUser" {
		t.Errorf("enterprise schema: %s", r.raw)
	}
	b.do(t, http.MethodGet, "/Schemas/urn:example:nope", nil).wantError(t, http.StatusNotFound, "")

	r = b.do(t, http.MethodGet, "/ResourceTypes", nil).want(t, http.StatusOK)
	if res, _ := r.body["Resources"].([]any); len(res) != 2 {
		t.Errorf("ResourceTypes: %s", r.raw)
	}
	r = b.do(t, http.MethodGet, "/ResourceTypes/Group", nil).want(t, http.StatusOK)
	if r.str("endpoint") != "/Groups" {
		t.Errorf("Group resource type: %s", r.raw)
	}

	b.do(t, http.MethodGet, "/Nope", nil).wantError(t, http.StatusNotFound, "")
	b.do(t, http.MethodGet, "/Users/a/b", nil).wantError(t, http.StatusNotFound, "")
	b.do(t, http.MethodGet, "/Users/not-a-uuid", nil).wantError(t, http.StatusNotFound, "")
	r = b.do(t, http.MethodDelete, "/Users", nil)
	r.wantError(t, http.StatusMethodNotAllowed, "")
	if r.header.Get("Allow") != "GET, POST" {
		t.Errorf("Allow %q", r.header.Get("Allow"))
	}
}
