package scim_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"clearpost/internal/scim"

	"github.com/google/uuid"
)

func TestCreateUserMapsFieldsAndAudits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	r := b.do(t, http.MethodPost, "/Users", oktaUser("Ada.Lovelace@Acme.test", "00u1okta")).want(t, http.StatusCreated)
	id := r.str("id")
	if loc := r.header.Get("Location"); loc != b.base+"/Users/"+id {
		t.Errorf("Location %q", loc)
	}
	if r.header.Get("ETag") == "" {
		t.Error("no ETag")
	}
	meta, _ := r.body["meta"].(map[string]any)
	if meta["resourceType"] != "User" || meta["location"] != b.base+"/Users/"+id || meta["created"] == nil || meta["lastModified"] == nil {
		t.Errorf("meta %v", meta)
	}
	if r.str("userName") != "Ada.Lovelace@Acme.test" || r.str("externalId") != "00u1okta" || r.body["active"] != true {
		t.Errorf("created user: %s", r.raw)
	}

	var iss, sub, email, name, dept string
	var active bool
	var roles, claimRoles []string
	var revoked *time.Time
	err := b.pool.QueryRow(ctx, `SELECT issuer, subject, email, name, department, active, roles, claim_roles, sessions_revoked_at
		FROM users WHERE id = $1 AND org_id = $2`, id, b.org).
		Scan(&iss, &sub, &email, &name, &dept, &active, &roles, &claimRoles, &revoked)
	if err != nil {
		t.Fatal(err)
	}
	// Okta's externalId is its user id, the sub of its ID tokens: sign-in finds this row.
	if iss != issuer || sub != "00u1okta" {
		t.Errorf("issuer %q subject %q", iss, sub)
	}
	if email != "ada.lovelace@acme.test" || name != "Ada Lovelace" || dept != "Marketing" || !active || revoked != nil {
		t.Errorf("row: email %q name %q department %q active %v revoked %v", email, name, dept, active, revoked)
	}
	if !slices.Equal(roles, []string{"EMPLOYEE"}) || len(claimRoles) != 0 {
		t.Errorf("roles %v claim roles %v", roles, claimRoles)
	}

	var actorEmail, details string
	err = b.pool.QueryRow(ctx, `SELECT actor_email, details::text FROM audit_events
		WHERE org_id = $1 AND action = 'user.scim_created' AND subject_type = 'user' AND subject_id = $2`, b.org, id).
		Scan(&actorEmail, &details)
	if err != nil {
		t.Fatalf("audit event: %v", err)
	}
	if actorEmail != "scim" || !strings.Contains(details, "scim_token_id") || !strings.Contains(details, "00u1okta") {
		t.Errorf("audit actor %q details %s", actorEmail, details)
	}

	got := b.do(t, http.MethodGet, "/Users/"+id, nil).want(t, http.StatusOK)
	ent, _ := got.body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].(map[string]any)
	emails, _ := got.body["emails"].([]any)
	if got.str("id") != id || ent["department"] != "Marketing" || len(emails) != 1 {
		t.Errorf("GET: %s", got.raw)
	}
	nameAttr, _ := got.body["name"].(map[string]any)
	if nameAttr["givenName"] != "Ada" || nameAttr["familyName"] != "Lovelace" || nameAttr["formatted"] != "Ada Lovelace" {
		t.Errorf("name %v", nameAttr)
	}
}

func TestSubjectIsUserNameWithoutExternalID(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.mustCreateUser(t, "grace@acme.test", "")
	var sub string
	if err := b.pool.QueryRow(context.Background(), `SELECT subject FROM users WHERE id = $1`, id).Scan(&sub); err != nil {
		t.Fatal(err)
	}
	if sub != "grace@acme.test" {
		t.Errorf("subject %q, want the userName", sub)
	}

	b2 := setup(t, scim.WithSubjectSource(scim.SubjectUserName), scim.WithBaseURL("https://clearpost.example/scim/v2/"))
	r := b2.do(t, http.MethodPost, "/Users", oktaUser("linus@acme.test", "00u2")).want(t, http.StatusCreated)
	if err := b2.pool.QueryRow(context.Background(), `SELECT subject FROM users WHERE id = $1`, r.str("id")).Scan(&sub); err != nil {
		t.Fatal(err)
	}
	if sub != "linus@acme.test" {
		t.Errorf("SubjectUserName: subject %q", sub)
	}
	if loc := r.header.Get("Location"); loc != "https://clearpost.example/scim/v2/Users/"+r.str("id") {
		t.Errorf("WithBaseURL: Location %q", loc)
	}
}

func TestDuplicateUserNameIsConflict(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mustCreateUser(t, "ada@acme.test", "00u1")
	b.do(t, http.MethodPost, "/Users", oktaUser("ADA@acme.test", "00u9")).wantError(t, http.StatusConflict, "uniqueness")
	// The same externalId (the same IdP user) is a conflict too.
	b.do(t, http.MethodPost, "/Users", oktaUser("other@acme.test", "00u1")).wantError(t, http.StatusConflict, "uniqueness")
	if n := b.count(t, `SELECT count(*) FROM users WHERE org_id = $1`, b.org); n != 1 {
		t.Errorf("%d users", n)
	}

	// A user who signed in before SCIM was set up has their e-mail as userName: it is taken.
	if _, err := b.pool.Exec(context.Background(), `INSERT INTO users (org_id, issuer, subject, email) VALUES ($1, $2, 'sub-bob', 'bob@acme.test')`,
		b.org, issuer); err != nil {
		t.Fatal(err)
	}
	b.do(t, http.MethodPost, "/Users", oktaUser("Bob@acme.test", "00u3")).wantError(t, http.StatusConflict, "uniqueness")
	grace := b.mustCreateUser(t, "grace@acme.test", "00u4")
	b.do(t, http.MethodPatch, "/Users/"+grace, patchOp(map[string]any{"op": "replace", "path": "userName", "value": "BOB@acme.test"})).
		wantError(t, http.StatusConflict, "uniqueness")
	b.do(t, http.MethodPatch, "/Users/"+grace, patchOp(map[string]any{"op": "replace", "path": "emails", "value": []any{map[string]any{"value": "ada@acme.test"}}})).
		wantError(t, http.StatusConflict, "uniqueness")
	r := b.do(t, http.MethodGet, "/Users?filter="+query(`userName eq "bob@acme.test"`), nil).want(t, http.StatusOK)
	if r.body["totalResults"] != 1.0 {
		t.Errorf("the signed-in user is not found by userName: %s", r.raw)
	}
}

func TestListUsersFilterAndPaging(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, u := range []string{"a@acme.test", "b@acme.test", "c@acme.test"} {
		b.mustCreateUser(t, u, "ext-"+u[:1])
	}
	r := b.do(t, http.MethodGet, `/Users?filter=`+query(`userName eq "B@ACME.test"`), nil).want(t, http.StatusOK)
	if !hasString(r.body["schemas"], "urn:ietf:params:scim:api:messages:2.0:ListResponse") {
		t.Errorf("not a ListResponse: %s", r.raw)
	}
	res, _ := r.body["Resources"].([]any)
	if r.body["totalResults"] != 1.0 || len(res) != 1 || res[0].(map[string]any)["userName"] != "b@acme.test" {
		t.Fatalf("userName eq: %s", r.raw)
	}
	r = b.do(t, http.MethodGet, `/Users?filter=`+query(`externalId eq "ext-c"`), nil).want(t, http.StatusOK)
	if res, _ := r.body["Resources"].([]any); len(res) != 1 || res[0].(map[string]any)["userName"] != "c@acme.test" {
		t.Fatalf("externalId eq: %s", r.raw)
	}
	r = b.do(t, http.MethodGet, `/Users?filter=`+query(`userName eq "nobody@acme.test"`), nil).want(t, http.StatusOK)
	if res, _ := r.body["Resources"].([]any); r.body["totalResults"] != 0.0 || res == nil || len(res) != 0 {
		t.Fatalf("no match must be an empty list: %s", r.raw)
	}

	r = b.do(t, http.MethodGet, "/Users?startIndex=2&count=1", nil).want(t, http.StatusOK)
	res, _ = r.body["Resources"].([]any)
	if r.body["totalResults"] != 3.0 || r.body["startIndex"] != 2.0 || r.body["itemsPerPage"] != 1.0 || len(res) != 1 ||
		res[0].(map[string]any)["userName"] != "b@acme.test" {
		t.Fatalf("page 2 of 1: %s", r.raw)
	}
	r = b.do(t, http.MethodGet, "/Users?startIndex=10", nil).want(t, http.StatusOK)
	if res, _ := r.body["Resources"].([]any); r.body["totalResults"] != 3.0 || len(res) != 0 {
		t.Fatalf("past the end: %s", r.raw)
	}

	b.do(t, http.MethodGet, "/Users?filter="+query(`userName co "a"`), nil).wantError(t, http.StatusBadRequest, "invalidFilter")
	b.do(t, http.MethodGet, "/Users?filter="+query(`title eq "x"`), nil).wantError(t, http.StatusBadRequest, "invalidFilter")
	b.do(t, http.MethodGet, "/Users?filter="+query(`userName eq "a`), nil).wantError(t, http.StatusBadRequest, "invalidFilter")
	b.do(t, http.MethodGet, "/Users?filter="+query("userName eq \"a\\u0000\""), nil).wantError(t, http.StatusBadRequest, "invalidFilter")
	b.do(t, http.MethodGet, "/Users?count=many", nil).wantError(t, http.StatusBadRequest, "invalidValue")
}

// TestDeactivationEndsSessions deactivates with the PATCH bodies Okta and Entra ID send.
func TestDeactivationEndsSessions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	for name, op := range map[string]map[string]any{
		"okta":  {"op": "replace", "value": map[string]any{"active": false}},
		"entra": {"op": "Replace", "path": "active", "value": "False"},
	} {
		t.Run(name, func(t *testing.T) {
			id := b.mustCreateUser(t, name+"@acme.test", "ext-"+name)
			r := b.do(t, http.MethodPatch, "/Users/"+id, patchOp(op)).want(t, http.StatusOK)
			if r.body["active"] != false {
				t.Errorf("answer: %s", r.raw)
			}
			var active bool
			var revoked *time.Time
			if err := b.pool.QueryRow(ctx, `SELECT active, sessions_revoked_at FROM users WHERE id = $1`, id).Scan(&active, &revoked); err != nil {
				t.Fatal(err)
			}
			if active || revoked == nil || time.Since(*revoked) > time.Minute {
				t.Errorf("active %v sessions_revoked_at %v", active, revoked)
			}
			if n := b.count(t, `SELECT count(*) FROM audit_events WHERE action = 'user.scim_deactivated' AND subject_id = $1`, id); n != 1 {
				t.Errorf("%d deactivation events", n)
			}
			// Deactivating again changes nothing and records nothing.
			b.do(t, http.MethodPatch, "/Users/"+id, patchOp(op)).want(t, http.StatusOK)
			if n := b.count(t, `SELECT count(*) FROM audit_events WHERE subject_id = $1`, id); n != 2 {
				t.Errorf("%d events after a repeated deactivation, want 2", n)
			}
			// Reactivation does not revive the old sessions.
			b.do(t, http.MethodPatch, "/Users/"+id, patchOp(map[string]any{"op": "replace", "path": "active", "value": true})).want(t, http.StatusOK)
			var again *time.Time
			if err := b.pool.QueryRow(ctx, `SELECT active, sessions_revoked_at FROM users WHERE id = $1`, id).Scan(&active, &again); err != nil {
				t.Fatal(err)
			}
			if !active || again == nil || !again.Equal(*revoked) {
				t.Errorf("after reactivation: active %v sessions_revoked_at %v", active, again)
			}
		})
	}
}

func TestDeactivationByPut(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.mustCreateUser(t, "ada@acme.test", "00u1")
	body := oktaUser("ada@acme.test", "00u1")
	body["active"] = false
	b.do(t, http.MethodPut, "/Users/"+id, body).want(t, http.StatusOK)
	if n := b.count(t, `SELECT count(*) FROM users WHERE id = $1 AND NOT active AND sessions_revoked_at IS NOT NULL`, id); n != 1 {
		t.Error("PUT active=false did not deactivate and revoke sessions")
	}
}

// TestPatchAttributes applies the attribute updates Entra ID and Okta send.
func TestPatchAttributes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.mustCreateUser(t, "ada@acme.test", "00u1")
	r := b.do(t, http.MethodPatch, "/Users/"+id, patchOp(
		map[string]any{"op": "Replace", "path": `emails[type eq "work"].value`, "value": "Ada.King@acme.test"},
		map[string]any{"op": "Replace", "path": "name.familyName", "value": "King"},
		map[string]any{"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Legal"},
		map[string]any{"op": "Replace", "path": "addresses[type eq \"work\"].locality", "value": "London"},
		map[string]any{"op": "Add", "value": map[string]any{"title": "Countess", "name.givenName": "Augusta Ada"}},
	)).want(t, http.StatusOK)
	name, _ := r.body["name"].(map[string]any)
	emails, _ := r.body["emails"].([]any)
	ent, _ := r.body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].(map[string]any)
	if name["formatted"] != "Augusta Ada King" || emails[0].(map[string]any)["value"] != "ada.king@acme.test" || ent["department"] != "Legal" {
		t.Fatalf("after Entra PATCH: %s", r.raw)
	}
	// Okta replaces the profile without a path.
	r = b.do(t, http.MethodPatch, "/Users/"+id, patchOp(map[string]any{"op": "replace", "value": map[string]any{
		"name":   map[string]any{"formatted": "Lady Lovelace"},
		"emails": []any{map[string]any{"value": "lovelace@acme.test", "primary": true}},
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": map[string]any{"department": "Brand"},
	}})).want(t, http.StatusOK)
	var email, fullName, dept string
	if err := b.pool.QueryRow(context.Background(), `SELECT email, name, department FROM users WHERE id = $1`, id).Scan(&email, &fullName, &dept); err != nil {
		t.Fatal(err)
	}
	if email != "lovelace@acme.test" || fullName != "Lady Lovelace" || dept != "Brand" {
		t.Errorf("after Okta PATCH: %q %q %q", email, fullName, dept)
	}
	// A PATCH may not change memberships through the user.
	b.do(t, http.MethodPatch, "/Users/"+id, patchOp(map[string]any{"op": "add", "path": "groups", "value": []any{}})).
		wantError(t, http.StatusBadRequest, "mutability")
	b.do(t, http.MethodPatch, "/Users/"+id, patchOp(map[string]any{"op": "remove", "path": "userName"})).
		wantError(t, http.StatusBadRequest, "mutability")
}

func TestPutReplacesAttributes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.mustCreateUser(t, "ada@acme.test", "00u1")
	r := b.do(t, http.MethodPut, "/Users/"+id, map[string]any{
		"schemas":  []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName": "ada@acme.test",
		"name":     map[string]any{"givenName": "Ada"},
	}).want(t, http.StatusOK)
	// The department is unassigned; active and externalId, left out, keep their values.
	ent, _ := r.body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].(map[string]any)
	if r.str("displayName") != "Ada" || ent["department"] != nil || r.body["active"] != true || r.str("externalId") != "00u1" {
		t.Errorf("after PUT: %s", r.raw)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_events WHERE action = 'user.scim_updated' AND subject_id = $1`, id); n != 1 {
		t.Errorf("%d update events", n)
	}
}

func TestDeleteDeactivatesAndHides(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.mustCreateUser(t, "ada@acme.test", "00u1")
	b.do(t, http.MethodDelete, "/Users/"+id, nil).want(t, http.StatusNoContent)
	if n := b.count(t, `SELECT count(*) FROM users WHERE id = $1 AND NOT active AND sessions_revoked_at IS NOT NULL
		AND scim_deleted_at IS NOT NULL`, id); n != 1 {
		t.Fatal("DELETE did not keep the row deactivated with its sessions revoked")
	}
	b.do(t, http.MethodGet, "/Users/"+id, nil).wantError(t, http.StatusNotFound, "")
	b.do(t, http.MethodDelete, "/Users/"+id, nil).wantError(t, http.StatusNotFound, "")
	r := b.do(t, http.MethodGet, "/Users?filter="+query(`userName eq "ada@acme.test"`), nil).want(t, http.StatusOK)
	if r.body["totalResults"] != 0.0 {
		t.Errorf("a deleted user is listed: %s", r.raw)
	}
	// Created again, the person gets their row back (their posts refer to it).
	r = b.do(t, http.MethodPost, "/Users", oktaUser("ada@acme.test", "00u7")).want(t, http.StatusCreated)
	if r.str("id") != id || r.body["active"] != true {
		t.Errorf("re-created user: %s", r.raw)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_events WHERE action IN ('user.scim_deleted', 'user.scim_revived') AND subject_id = $1`, id); n != 2 {
		t.Errorf("%d delete/revive events", n)
	}
}

// TestBadInputChangesNothing sends what a client gets wrong: each is a 400 with a scimType, and
// nothing is written.
func TestBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.mustCreateUser(t, "ada@acme.test", "00u1")
	before := b.count(t, `SELECT count(*) FROM audit_events WHERE org_id = $1`, b.org)
	withUser := func(k string, v any) map[string]any {
		u := oktaUser("new@acme.test", "00u2")
		if v == nil {
			delete(u, k)
		} else {
			u[k] = v
		}
		return u
	}
	for _, tc := range []struct {
		name     string
		method   string
		path     string
		body     any
		scimType string
	}{
		{"missing userName", http.MethodPost, "/Users", withUser("userName", nil), "invalidValue"},
		{"empty userName", http.MethodPost, "/Users", withUser("userName", " "), "invalidValue"},
		{"malformed JSON", http.MethodPost, "/Users", `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": `, "invalidSyntax"},
		{"two JSON values", http.MethodPost, "/Users", `{} {}`, "invalidSyntax"},
		{"not an object", http.MethodPost, "/Users", `["userName"]`, "invalidSyntax"},
		{"no schemas", http.MethodPost, "/Users", withUser("schemas", nil), "invalidSyntax"},
		{"userName a number", http.MethodPost, "/Users", withUser("userName", 42), "invalidValue"},
		{"userName with NUL", http.MethodPost, "/Users", withUser("userName", "a\x00b@acme.test"), "invalidValue"},
		{"active a word", http.MethodPost, "/Users", withUser("active", "maybe"), "invalidValue"},
		{"name a string", http.MethodPost, "/Users", withUser("name", "Ada"), "invalidValue"},
		{"emails a number", http.MethodPost, "/Users", withUser("emails", 5), "invalidValue"},
		{"email not an address", http.MethodPost, "/Users", withUser("emails", []any{map[string]any{"value": "nope"}}), "invalidValue"},
		{"department an object", http.MethodPost, "/Users", withUser("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", map[string]any{"department": map[string]any{}}), "invalidValue"},
		{"no e-mail at all", http.MethodPost, "/Users", map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"}, "userName": "jdoe"}, "invalidValue"},
		{"PUT without userName", http.MethodPut, "/Users/" + id, map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"}}, "invalidValue"},
		{"PATCH active a word", http.MethodPatch, "/Users/" + id, patchOp(map[string]any{"op": "replace", "path": "active", "value": "nope"}), "invalidValue"},
		{"PATCH unknown op", http.MethodPatch, "/Users/" + id, patchOp(map[string]any{"op": "merge", "path": "active", "value": false}), "invalidSyntax"},
		{"PATCH no operations", http.MethodPatch, "/Users/" + id, patchOp(), "invalidSyntax"},
		{"PATCH without the PatchOp schema", http.MethodPatch, "/Users/" + id, map[string]any{"Operations": []any{map[string]any{"op": "replace", "value": map[string]any{"active": false}}}}, "invalidSyntax"},
		{"PATCH remove without path", http.MethodPatch, "/Users/" + id, patchOp(map[string]any{"op": "remove"}), "noTarget"},
		{"PATCH bad path", http.MethodPatch, "/Users/" + id, patchOp(map[string]any{"op": "replace", "path": "emails[type eq", "value": "x"}), "invalidPath"},
		// the first operation is valid, the second is not: neither applies
		{"PATCH half valid", http.MethodPatch, "/Users/" + id, patchOp(
			map[string]any{"op": "replace", "path": "active", "value": false},
			map[string]any{"op": "replace", "path": "userName", "value": 7}), "invalidValue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b.do(t, tc.method, tc.path, tc.body).wantError(t, http.StatusBadRequest, tc.scimType)
		})
	}
	if n := b.count(t, `SELECT count(*) FROM users WHERE org_id = $1`, b.org); n != 1 {
		t.Errorf("%d users", n)
	}
	if n := b.count(t, `SELECT count(*) FROM users WHERE id = $1 AND active AND email = 'ada@acme.test' AND sessions_revoked_at IS NULL`, id); n != 1 {
		t.Error("a refused request changed the user")
	}
	if after := b.count(t, `SELECT count(*) FROM audit_events WHERE org_id = $1`, b.org); after != before {
		t.Errorf("refused requests wrote %d audit events", after-before)
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	u := oktaUser("big@acme.test", "")
	u["title"] = strings.Repeat("x", scim.MaxBodyBytes)
	b.do(t, http.MethodPost, "/Users", u).wantError(t, http.StatusRequestEntityTooLarge, "")
	if n := b.count(t, `SELECT count(*) FROM users`); n != 0 {
		t.Errorf("%d users", n)
	}
}

func TestNoIdentityProvider(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var org string
	if err := b.pool.QueryRow(context.Background(), `INSERT INTO organizations (slug, name) VALUES ('bare', 'Bare') RETURNING id`).Scan(&org); err != nil {
		t.Fatal(err)
	}
	tok := mustIssue(t, b.pool, uuid.MustParse(org))
	r := b.doWith(t, tok, http.MethodPost, "/Users", oktaUser("ada@bare.test", ""))
	r.wantError(t, http.StatusConflict, "")
	if !strings.Contains(r.str("detail"), "identity provider") {
		t.Errorf("detail %q", r.str("detail"))
	}
}

// query escapes a query parameter value.
func query(s string) string { return url.QueryEscape(s) }
