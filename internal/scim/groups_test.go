package scim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
)

// claimsOf returns a user's claim roles, claim groups and admin-assigned roles.
func (b bundle) claimsOf(t *testing.T, id string) (roles, groups, assigned []string) {
	t.Helper()
	err := b.pool.QueryRow(context.Background(), `SELECT claim_roles, claim_groups, roles FROM users WHERE id = $1`, id).
		Scan(&roles, &groups, &assigned)
	if err != nil {
		t.Fatal(err)
	}
	return roles, groups, assigned
}

func (b bundle) wantClaims(t *testing.T, id string, roles, groups []string) {
	t.Helper()
	r, g, assigned := b.claimsOf(t, id)
	if !slices.Equal(r, roles) || !slices.Equal(g, groups) {
		t.Errorf("user %s: claim roles %v groups %v, want %v %v", id, r, g, roles, groups)
	}
	if !slices.Equal(assigned, []string{"EMPLOYEE"}) {
		t.Errorf("user %s: assigned roles %v changed", id, assigned)
	}
}

func groupBody(name string, members ...string) map[string]any {
	ms := []any{}
	for _, m := range members {
		ms = append(ms, map[string]any{"value": m, "display": "someone"})
	}
	return map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": name, "members": ms}
}

func members(ids ...string) []any {
	out := []any{}
	for _, id := range ids {
		out = append(out, map[string]any{"value": id})
	}
	return out
}

// TestGroupMembershipDrivesClaims: membership of the groups the mapping names gives the claim
// roles and groups sign-in would give; admin-assigned roles are never touched.
func TestGroupMembershipDrivesClaims(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ada := b.mustCreateUser(t, "ada@acme.test", "00u1")
	bob := b.mustCreateUser(t, "bob@acme.test", "00u2")

	// Okta pushes a group with its members.
	r := b.do(t, http.MethodPost, "/Groups", groupBody("okta-legal", ada)).want(t, http.StatusCreated)
	legal := r.str("id")
	if ms, _ := r.body["members"].([]any); len(ms) != 1 || ms[0].(map[string]any)["value"] != ada {
		t.Fatalf("created group: %s", r.raw)
	}
	b.wantClaims(t, ada, []string{}, []string{"legal"})
	if n := b.count(t, `SELECT count(*) FROM audit_events WHERE action = 'group.scim_created' AND subject_id = $1 AND actor_email = 'scim'`, legal); n != 1 {
		t.Errorf("%d group creation events", n)
	}

	admins := b.do(t, http.MethodPost, "/Groups", groupBody("social-admins")).want(t, http.StatusCreated).str("id")
	b.do(t, http.MethodPost, "/Groups", groupBody("unmapped", ada, bob)).want(t, http.StatusCreated)
	b.wantClaims(t, bob, []string{}, []string{})

	// Entra ID adds members with path "members" and a list of values.
	b.do(t, http.MethodPatch, "/Groups/"+admins, patchOp(map[string]any{"op": "Add", "path": "members", "value": members(bob, ada)})).
		want(t, http.StatusNoContent)
	b.wantClaims(t, bob, []string{"ADMIN"}, []string{})
	b.wantClaims(t, ada, []string{"ADMIN"}, []string{"legal"})

	// Okta removes a member with a value filter; Entra ID with path "members" and a value.
	b.do(t, http.MethodPatch, "/Groups/"+legal, patchOp(map[string]any{"op": "remove", "path": fmt.Sprintf(`members[value eq "%s"]`, ada)})).
		want(t, http.StatusNoContent)
	b.wantClaims(t, ada, []string{"ADMIN"}, []string{})
	b.do(t, http.MethodPatch, "/Groups/"+admins, patchOp(map[string]any{"op": "Remove", "path": "members", "value": members(ada)})).
		want(t, http.StatusNoContent)
	b.wantClaims(t, ada, []string{}, []string{})
	b.wantClaims(t, bob, []string{"ADMIN"}, []string{})

	// Renaming a group re-maps its members (Okta sends the id along with the new name).
	b.do(t, http.MethodPatch, "/Groups/"+admins, patchOp(map[string]any{"op": "replace", "value": map[string]any{"id": admins, "displayName": "okta-legal-2"}})).
		want(t, http.StatusNoContent)
	b.wantClaims(t, bob, []string{}, []string{})
	b.do(t, http.MethodPatch, "/Groups/"+admins, patchOp(map[string]any{"op": "Replace", "path": "displayName", "value": "social-admins"})).
		want(t, http.StatusNoContent)
	b.wantClaims(t, bob, []string{"ADMIN"}, []string{})

	// PUT replaces the member list.
	r = b.do(t, http.MethodPut, "/Groups/"+legal, groupBody("okta-legal", bob)).want(t, http.StatusOK)
	if ms, _ := r.body["members"].([]any); len(ms) != 1 || ms[0].(map[string]any)["value"] != bob {
		t.Fatalf("PUT group: %s", r.raw)
	}
	b.wantClaims(t, bob, []string{"ADMIN"}, []string{"legal"})

	// A user's groups are listed on the user.
	r = b.do(t, http.MethodGet, "/Users/"+bob, nil).want(t, http.StatusOK)
	if gs, _ := r.body["groups"].([]any); len(gs) != 3 {
		t.Errorf("bob's groups: %s", r.raw)
	}

	// Deleting the group takes away what it mapped to.
	b.do(t, http.MethodDelete, "/Groups/"+admins, nil).want(t, http.StatusNoContent)
	b.do(t, http.MethodGet, "/Groups/"+admins, nil).wantError(t, http.StatusNotFound, "")
	b.wantClaims(t, bob, []string{}, []string{"legal"})
	if n := b.count(t, `SELECT count(*) FROM audit_events WHERE action = 'group.scim_deleted' AND subject_id = $1`, admins); n != 1 {
		t.Errorf("%d group deletion events", n)
	}

	// Deleting a user takes them out of every group.
	b.do(t, http.MethodDelete, "/Users/"+bob, nil).want(t, http.StatusNoContent)
	b.wantClaims(t, bob, []string{}, []string{})
	r = b.do(t, http.MethodGet, "/Groups/"+legal, nil).want(t, http.StatusOK)
	if ms, _ := r.body["members"].([]any); len(ms) != 0 {
		t.Errorf("a deleted user is still a member: %s", r.raw)
	}
}

func TestGroupQueries(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ada := b.mustCreateUser(t, "ada@acme.test", "00u1")
	legal := b.do(t, http.MethodPost, "/Groups", groupBody("okta-legal", ada)).want(t, http.StatusCreated).str("id")
	b.do(t, http.MethodPost, "/Groups", groupBody("social-admins")).want(t, http.StatusCreated)
	b.do(t, http.MethodPost, "/Groups", groupBody("OKTA-LEGAL")).wantError(t, http.StatusConflict, "uniqueness")

	r := b.do(t, http.MethodGet, "/Groups?filter="+query(`displayName eq "Okta-Legal"`), nil).want(t, http.StatusOK)
	res, _ := r.body["Resources"].([]any)
	if r.body["totalResults"] != 1.0 || len(res) != 1 || res[0].(map[string]any)["id"] != legal {
		t.Fatalf("displayName eq: %s", r.raw)
	}
	// Entra ID checks a membership with a filter, leaving the members out.
	r = b.do(t, http.MethodGet, "/Groups?excludedAttributes=members&filter="+
		query(fmt.Sprintf(`id eq "%s" and members[value eq "%s"]`, legal, ada)), nil).want(t, http.StatusOK)
	res, _ = r.body["Resources"].([]any)
	if len(res) != 1 {
		t.Fatalf("membership filter: %s", r.raw)
	}
	if _, ok := res[0].(map[string]any)["members"]; ok {
		t.Errorf("excludedAttributes=members still lists members: %s", r.raw)
	}
	r = b.do(t, http.MethodGet, "/Groups?filter="+query(fmt.Sprintf(`members[value eq "%s"] and displayName eq "social-admins"`, ada)), nil).
		want(t, http.StatusOK)
	if r.body["totalResults"] != 0.0 {
		t.Errorf("non-member found: %s", r.raw)
	}
	r = b.do(t, http.MethodGet, "/Groups/"+legal+"?attributes=displayName", nil).want(t, http.StatusOK)
	if _, ok := r.body["members"]; ok || r.str("displayName") != "okta-legal" {
		t.Errorf("attributes=displayName: %s", r.raw)
	}
	r = b.do(t, http.MethodGet, "/Groups?count=1", nil).want(t, http.StatusOK)
	if res, _ := r.body["Resources"].([]any); r.body["totalResults"] != 2.0 || len(res) != 1 {
		t.Errorf("count=1: %s", r.raw)
	}
}

func TestBadGroupInputChangesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ada := b.mustCreateUser(t, "ada@acme.test", "00u1")
	gid := b.do(t, http.MethodPost, "/Groups", groupBody("okta-legal", ada)).want(t, http.StatusCreated).str("id")
	before := b.count(t, `SELECT count(*) FROM audit_events`)
	for _, tc := range []struct {
		name     string
		method   string
		path     string
		body     any
		scimType string
	}{
		{"no displayName", http.MethodPost, "/Groups", map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}}, "invalidValue"},
		{"member not a user id", http.MethodPost, "/Groups", groupBody("x", "not-a-uuid"), "invalidValue"},
		{"member unknown", http.MethodPost, "/Groups", groupBody("x", "00000000-0000-0000-0000-000000000001"), "invalidValue"},
		{"members an object of numbers", http.MethodPost, "/Groups", map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": "x", "members": 5}, "invalidValue"},
		{"nested group", http.MethodPatch, "/Groups/" + gid, patchOp(map[string]any{"op": "add", "path": "members", "value": []any{map[string]any{"value": gid, "type": "Group"}}}), "invalidValue"},
		{"remove displayName", http.MethodPatch, "/Groups/" + gid, patchOp(map[string]any{"op": "remove", "path": "displayName"}), "mutability"},
		{"replace through a members filter", http.MethodPatch, "/Groups/" + gid, patchOp(map[string]any{"op": "replace", "path": `members[value eq "x"]`, "value": "y"}), "invalidPath"},
		{"replace members with one bad", http.MethodPatch, "/Groups/" + gid, patchOp(map[string]any{"op": "replace", "path": "members", "value": members(ada, "nope")}), "invalidValue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b.do(t, tc.method, tc.path, tc.body).wantError(t, http.StatusBadRequest, tc.scimType)
		})
	}
	if n := b.count(t, `SELECT count(*) FROM scim_groups`); n != 1 {
		t.Errorf("%d groups", n)
	}
	if after := b.count(t, `SELECT count(*) FROM audit_events`); after != before {
		t.Errorf("%d audit events from refused requests", after-before)
	}
	b.wantClaims(t, ada, []string{}, []string{"legal"})
}

// TestConcurrentMembershipChanges adds users to two mapped groups at once: their claims always end
// up reflecting both memberships (the recomputation of one sees the other's committed member).
func TestConcurrentMembershipChanges(t *testing.T) {
	t.Parallel()
	b := setup(t)
	legal := b.do(t, http.MethodPost, "/Groups", groupBody("okta-legal")).want(t, http.StatusCreated).str("id")
	admins := b.do(t, http.MethodPost, "/Groups", groupBody("social-admins")).want(t, http.StatusCreated).str("id")
	for i := range 10 {
		u := b.mustCreateUser(t, fmt.Sprintf("u%d@acme.test", i), fmt.Sprintf("00u%d", i))
		body, err := json.Marshal(patchOp(map[string]any{"op": "add", "path": "members", "value": members(u)}))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for _, g := range []string{legal, admins} {
			wg.Go(func() {
				req, _ := http.NewRequest(http.MethodPatch, b.base+"/Groups/"+g, bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+b.token)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
				if res.StatusCode != http.StatusNoContent {
					t.Errorf("PATCH group %s: status %d", g, res.StatusCode)
				}
			})
		}
		wg.Wait()
		b.wantClaims(t, u, []string{"ADMIN"}, []string{"legal"})
	}
}
