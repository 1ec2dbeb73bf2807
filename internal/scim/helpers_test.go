package scim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"clearpost/internal/auth"
	"clearpost/internal/postgres/pgtest"
	"clearpost/internal/scim"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

const issuer = "https://idp.acme.test"

// mapping is the groups claim mapping of the tests.
var mapping = auth.Mapping{
	GroupsClaim: "groups",
	GroupMap:    map[string][]string{"okta-legal": {"group:legal"}, "social-admins": {"role:ADMIN"}},
}

// bundle is what a test needs: a database with one organization and its identity provider, a
// SCIM token of it, and the SCIM endpoints served over real HTTP.
type bundle struct {
	pool  *pgxpool.Pool
	org   uuid.UUID
	token string
	base  string // http://127.0.0.1:port/scim/v2
}

func setup(t *testing.T, opts ...scim.Option) bundle {
	t.Helper()
	return setupWithIssuer(t, issuer, opts...)
}

// setupWithIssuer is setup with the organization's identity provider at iss.
func setupWithIssuer(t *testing.T, iss string, opts ...scim.Option) bundle {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.New(t)
	org, err := auth.RegisterProvider(ctx, pool, "acme", "Acme", iss, "clearpost")
	if err != nil {
		t.Fatal(err)
	}
	srv := scim.New(pool, mapping, slog.New(slog.DiscardHandler), opts...)
	mux := http.NewServeMux()
	mux.Handle(scim.Prefix+"/", srv.Handler())
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return bundle{pool: pool, org: org, token: mustIssue(t, pool, org), base: hs.URL + scim.Prefix}
}

// addOrg registers a second organization with its own identity provider and returns a token of it.
func (b bundle) addOrg(t *testing.T, slug string) (uuid.UUID, string) {
	t.Helper()
	org, err := auth.RegisterProvider(context.Background(), b.pool, slug, slug, "https://idp."+slug+".test", "clearpost")
	if err != nil {
		t.Fatal(err)
	}
	return org, mustIssue(t, b.pool, org)
}

func mustIssue(tb testing.TB, pool *pgxpool.Pool, org uuid.UUID) string {
	tb.Helper()
	tok, err := scim.IssueToken(context.Background(), pool, org)
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

// response is an answer of the server.
type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// do sends a request with the bundle's token; body is JSON-encoded unless it is a string.
func (b bundle) do(t *testing.T, method, path string, body any) response {
	t.Helper()
	return b.doWith(t, b.token, method, path, body)
}

func (b bundle) doWith(t *testing.T, token, method, path string, body any) response {
	t.Helper()
	var rd io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(v)
	default:
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, b.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := response{status: res.StatusCode, header: res.Header, raw: string(raw)}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out.body); err != nil {
			t.Fatalf("%s %s: %d answer is not a JSON object: %s", method, path, res.StatusCode, raw)
		}
		if ct := res.Header.Get("Content-Type"); ct != "application/scim+json" {
			t.Errorf("%s %s: Content-Type %q", method, path, ct)
		}
	}
	return out
}

// want fails the test unless the response has status.
func (r response) want(t *testing.T, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	return r
}

// wantError fails the test unless the response is a SCIM error with status and scimType.
func (r response) wantError(t *testing.T, status int, scimType string) {
	t.Helper()
	r.want(t, status)
	if s, _ := r.body["status"].(string); s != strconv.Itoa(status) {
		t.Errorf("error status %q, want %q", s, strconv.Itoa(status))
	}
	if got, _ := r.body["scimType"].(string); got != scimType {
		t.Errorf("scimType %q, want %q: %s", got, scimType, r.raw)
	}
	if !hasString(r.body["schemas"], "urn:ietf:params:scim:api:messages:2.0:Error") {
		t.Errorf("error without the Error schema: %s", r.raw)
	}
}

func (r response) str(key string) string { s, _ := r.body[key].(string); return s }

func hasString(v any, s string) bool {
	list, _ := v.([]any)
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// oktaUser is the body Okta sends to create a user.
func oktaUser(userName, externalID string) map[string]any {
	return map[string]any{
		"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"},
		"userName":    userName,
		"externalId":  externalID,
		"name":        map[string]any{"givenName": "Ada", "familyName": "Lovelace"},
		"emails":      []any{map[string]any{"primary": true, "value": userName, "type": "work"}},
		"displayName": "Ada Lovelace",
		"locale":      "en-US",
		"groups":      []any{},
		"password":    "ignored-1!",
		"active":      true,
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": map[string]any{"department": "Marketing", "employeeNumber": "42"},
	}
}

// mustCreateUser creates a user and returns its id.
func (b bundle) mustCreateUser(t *testing.T, userName, externalID string) string {
	t.Helper()
	r := b.do(t, http.MethodPost, "/Users", oktaUser(userName, externalID)).want(t, http.StatusCreated)
	return r.str("id")
}

// count returns the result of a count(*) query.
func (b bundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := b.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// patchOp builds a PatchOp request body.
func patchOp(ops ...map[string]any) map[string]any {
	return map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}, "Operations": ops}
}
