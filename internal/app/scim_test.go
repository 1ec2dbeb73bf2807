package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"clearpost/internal/app/apptest"
	"clearpost/internal/scim"
)

// An identity provider provisions a user and their group over SCIM; the person then signs in
// with a token whose subject SCIM never saw (Entra ID's pairwise sub) and no groups claim: the
// SCIM row is adopted and keeps its groups. Deactivation over SCIM ends it all at once.
func TestSCIMProvisioningThenSignIn(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	org := env.Org(t, "example")
	ctx := context.Background()
	token, err := scim.IssueToken(ctx, env.App.Pool, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path string, body any) (int, map[string]any) {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, env.URL+"/scim/v2"+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/scim+json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	status, user := do(http.MethodPost, "/Users", map[string]any{
		"schemas":  []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName": "nina@example.com", "externalId": "nina", "active": true,
		"name":   map[string]any{"givenName": "Nina", "familyName": "Novak"},
		"emails": []map[string]any{{"value": "nina@example.com", "type": "work", "primary": true}},
	})
	if status != http.StatusCreated {
		t.Fatalf("create user: %d %v", status, user)
	}
	status, group := do(http.MethodPost, "/Groups", map[string]any{
		"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:Group"},
		"displayName": "legal-team", "members": []map[string]any{{"value": user["id"]}},
	})
	if status != http.StatusCreated {
		t.Fatalf("create group: %d %v", status, group)
	}
	tok, err := org.Provider.MintWith(map[string]any{
		"iss": org.Provider.Issuer(), "aud": apptest.ClientID, "sub": "pairwise-7f3a", "email": "nina@example.com", "email_verified": true,
		"name": "Nina Novak", "iat": time.Now().Unix(), "exp": time.Now().Add(5 * time.Minute).Unix(),
	})
	if err != nil {
		t.Fatal(err)
	}
	var me struct {
		Me struct {
			Email  string
			Groups []string
		}
	}
	env.Must(t, tok, `{ me { email groups } }`, nil, &me)
	if me.Me.Email != "nina@example.com" || strings.Join(me.Me.Groups, ",") != "legal" {
		t.Fatalf("signed in as %+v", me.Me)
	}
	if n := userCount(t, env); n != len(org.Provider.Users())+1 {
		t.Fatalf("%d users: the SCIM row was not adopted", n)
	}
	status, _ = do(http.MethodPatch, "/Users/"+user["id"].(string), map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []map[string]any{{"op": "Replace", "path": "active", "value": "False"}},
	})
	if status != http.StatusOK {
		t.Fatalf("deactivate: %d", status)
	}
	if r := env.Do(t, tok, `{ me { email } }`, nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("deactivated over SCIM, still signed in: %d", r.Status)
	}
}
