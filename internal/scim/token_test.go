package scim_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"clearpost/internal/scim"
)

func TestTokensAreStoredHashed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	secret, ok := strings.CutPrefix(b.token, scim.TokenPrefix)
	if raw, err := base64.RawURLEncoding.DecodeString(secret); !ok || err != nil || len(raw) != 32 {
		t.Fatalf("token %q is not scim_ + 32 bytes of base64url", b.token)
	}
	var hash []byte
	var lastUsed *time.Time
	if err := b.pool.QueryRow(ctx, `SELECT token_hash, last_used_at FROM scim_tokens WHERE org_id = $1`, b.org).Scan(&hash, &lastUsed); err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256([]byte(b.token)); !bytes.Equal(hash, sum[:]) {
		t.Error("the stored hash is not the token's SHA-256")
	}
	if lastUsed != nil {
		t.Error("an unused token has last_used_at")
	}
	if n := b.count(t, `SELECT count(*) FROM scim_tokens t WHERE position($1::bytea IN t.token_hash) > 0`, []byte(secret)); n != 0 {
		t.Error("the token is stored")
	}
	if n := b.count(t, `SELECT count(*) FROM audit_events WHERE org_id = $1 AND action = 'scim_token.issued'`, b.org); n != 1 {
		t.Errorf("%d token issue events", n)
	}
	b.do(t, http.MethodGet, "/Users", nil).want(t, http.StatusOK)
	if err := b.pool.QueryRow(ctx, `SELECT last_used_at FROM scim_tokens WHERE org_id = $1`, b.org).Scan(&lastUsed); err != nil || lastUsed == nil {
		t.Errorf("last_used_at not recorded: %v", err)
	}
}

func TestBadTokensAreRefusedAndCreateNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for name, token := range map[string]string{
		"missing":      "",
		"unknown":      "scim_" + strings.Repeat("A", 43),
		"another form": b.token + "x",
	} {
		t.Run(name, func(t *testing.T) {
			r := b.doWith(t, token, http.MethodPost, "/Users", oktaUser("ada@acme.test", "00u1"))
			r.wantError(t, http.StatusUnauthorized, "")
			if r.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			b.doWith(t, token, http.MethodGet, "/ServiceProviderConfig", nil).wantError(t, http.StatusUnauthorized, "")
		})
	}
	// A scheme other than Bearer.
	req, _ := http.NewRequest(http.MethodGet, b.base+"/Users", nil)
	req.Header.Set("Authorization", "Basic "+b.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("Basic: status %d", res.StatusCode)
	}
	if n := b.count(t, `SELECT count(*) FROM users`); n != 0 {
		t.Errorf("%d users created with bad tokens", n)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_events WHERE action LIKE 'user.%'`); n != 0 {
		t.Errorf("%d user events written with bad tokens", n)
	}
}

func TestRevokedTokensAreRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	second := mustIssue(t, b.pool, b.org)
	b.doWith(t, second, http.MethodGet, "/Users", nil).want(t, http.StatusOK)
	n, err := scim.RevokeTokens(context.Background(), b.pool, b.org)
	if err != nil || n != 2 {
		t.Fatalf("revoked %d: %v", n, err)
	}
	b.do(t, http.MethodGet, "/Users", nil).wantError(t, http.StatusUnauthorized, "")
	b.doWith(t, second, http.MethodGet, "/Users", nil).wantError(t, http.StatusUnauthorized, "")
	if n := b.count(t, `SELECT count(*) FROM audit_events WHERE org_id = $1 AND action = 'scim_token.revoked'`, b.org); n != 1 {
		t.Errorf("%d revocation events", n)
	}
}

func TestIssueTokenForUnknownOrganization(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if _, err := scim.IssueToken(context.Background(), b.pool, [16]byte{1}); err == nil {
		t.Fatal("a token was issued for an organization that does not exist")
	}
}

// TestOtherOrganizationsAreInvisible: a token of one organization neither sees nor changes the
// users and groups of another.
func TestOtherOrganizationsAreInvisible(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.mustCreateUser(t, "ada@acme.test", "00u1")
	gid := b.do(t, http.MethodPost, "/Groups", map[string]any{
		"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": "okta-legal",
	}).want(t, http.StatusCreated).str("id")
	_, other := b.addOrg(t, "globex")

	for _, p := range []string{"/Users/" + id, "/Groups/" + gid} {
		b.doWith(t, other, http.MethodGet, p, nil).wantError(t, http.StatusNotFound, "")
		b.doWith(t, other, http.MethodDelete, p, nil).wantError(t, http.StatusNotFound, "")
	}
	b.doWith(t, other, http.MethodPatch, "/Users/"+id, patchOp(map[string]any{"op": "replace", "path": "active", "value": false})).
		wantError(t, http.StatusNotFound, "")
	b.doWith(t, other, http.MethodPut, "/Users/"+id, oktaUser("mallory@globex.test", "")).wantError(t, http.StatusNotFound, "")
	b.doWith(t, other, http.MethodPatch, "/Groups/"+gid, patchOp(map[string]any{"op": "add", "path": "members", "value": []any{map[string]any{"value": id}}})).
		wantError(t, http.StatusNotFound, "")
	for _, p := range []string{"/Users", "/Users?filter=" + query(`userName eq "ada@acme.test"`), "/Groups", "/Groups?filter=" + query(`displayName eq "okta-legal"`)} {
		r := b.doWith(t, other, http.MethodGet, p, nil).want(t, http.StatusOK)
		if r.body["totalResults"] != 0.0 {
			t.Errorf("%s lists another organization's resources: %s", p, r.raw)
		}
	}
	// The other organization's own group cannot take this organization's user as a member.
	r := b.doWith(t, other, http.MethodPost, "/Groups", map[string]any{
		"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": "okta-legal",
		"members": []any{map[string]any{"value": id}},
	})
	r.wantError(t, http.StatusBadRequest, "invalidValue")
	// The same userName may exist in both organizations.
	b.doWith(t, other, http.MethodPost, "/Users", oktaUser("ada@acme.test", "00u1-globex")).want(t, http.StatusCreated)

	if n := b.count(t, `SELECT count(*) FROM users WHERE id = $1 AND active AND email = 'ada@acme.test'`, id); n != 1 {
		t.Error("another organization's token changed the user")
	}
	if n := b.count(t, `SELECT count(*) FROM scim_group_members`); n != 0 {
		t.Errorf("%d memberships", n)
	}
}
