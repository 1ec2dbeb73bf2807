package config

import (
	"os"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsAreValid(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if c.HTTPAddr != "127.0.0.1:8080" || c.GroupsClaim != "groups" || c.AuditSigningKey != nil {
		t.Fatalf("defaults = %+v", c)
	}
	if err := c.RequireServe(); err == nil || !strings.Contains(err.Error(), "CLEARPOST_OIDC_ISSUER") || !strings.Contains(err.Error(), "CLEARPOST_AUDIT_SIGNING_KEY") {
		t.Fatalf("serve without issuer and key: %v", err)
	}
}

func TestEveryProblemIsReportedAtOnce(t *testing.T) {
	_, err := FromEnv(env(map[string]string{
		"CLEARPOST_DATABASE_URL":        "mysql://x",
		"CLEARPOST_HTTP_ADDR":           "8080",
		"CLEARPOST_LOG_LEVEL":           "loud",
		"CLEARPOST_AUTO_MIGRATE":        "perhaps",
		"CLEARPOST_OIDC_ISSUER":         "https://idp.example.com",
		"CLEARPOST_OIDC_GROUP_MAP":      "admins=boss",
		"CLEARPOST_AUDIT_SIGNING_KEY":   "c2hvcnQ=",
		"CLEARPOST_AUDIT_SEAL_INTERVAL": "-1s",
		"CLEARPOST_BOOTSTRAP_ADMINS":    "not-an-email",
	}))
	if err == nil {
		t.Fatal("bad configuration accepted")
	}
	for _, name := range []string{"CLEARPOST_DATABASE_URL", "CLEARPOST_HTTP_ADDR", "CLEARPOST_LOG_LEVEL", "CLEARPOST_AUTO_MIGRATE",
		"CLEARPOST_OIDC_CLIENT_ID", "CLEARPOST_OIDC_GROUP_MAP", "CLEARPOST_AUDIT_SIGNING_KEY", "CLEARPOST_AUDIT_SEAL_INTERVAL", "CLEARPOST_BOOTSTRAP_ADMINS"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
}

func TestSecretFromFile(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/key"
	if err := os.WriteFile(path, []byte("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := FromEnv(env(map[string]string{"CLEARPOST_AUDIT_SIGNING_KEY_FILE": path}))
	if err != nil || c.AuditSigningKey == nil {
		t.Fatalf("key from file: %v", err)
	}
	_, err = FromEnv(env(map[string]string{"CLEARPOST_AUDIT_SIGNING_KEY_FILE": path, "CLEARPOST_AUDIT_SIGNING_KEY": "x"}))
	if err == nil || !strings.Contains(err.Error(), "both set") {
		t.Fatalf("both key and file: %v", err)
	}
}

func TestGroupMap(t *testing.T) {
	m, err := ParseGroupMap("social-admins=role:ADMIN, okta-legal = group:legal")
	if err != nil || m["social-admins"] != "role:ADMIN" || m["okta-legal"] != "group:legal" {
		t.Fatalf("map = %v, %v", m, err)
	}
}

func TestProvidersFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/secret", []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := `[{"org_slug": "acme", "issuer": "https://acme.okta.example", "client_id": "c1", "client_secret_file": "` + dir + `/secret", "audience": "api://clearpost"},
		{"org_slug": "globex", "org_name": "Globex", "issuer": "https://login.globex.example/v2.0", "client_id": "c2"}]`
	if err := os.WriteFile(dir+"/idps.json", []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := FromEnv(env(map[string]string{"CLEARPOST_OIDC_PROVIDERS_FILE": dir + "/idps.json"}))
	if err != nil || len(c.Providers) != 2 || c.Providers[0].ClientSecret != "s3cret" || c.Providers[0].OrgName != "acme" {
		t.Fatalf("providers = %+v, %v", c.Providers, err)
	}
	bad := `[{"org_slug": "Not OK", "issuer": "ftp://x", "client_id": "", "tenant": 1}]`
	if err := os.WriteFile(dir+"/bad.json", []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = FromEnv(env(map[string]string{"CLEARPOST_OIDC_PROVIDERS_FILE": dir + "/bad.json"}))
	if err == nil || !strings.Contains(err.Error(), "tenant") {
		t.Fatalf("unknown field: %v", err)
	}
	bad = `[{"org_slug": "Not OK", "issuer": "ftp://x", "client_id": ""}]`
	_ = os.WriteFile(dir+"/bad.json", []byte(bad), 0o600)
	_, err = FromEnv(env(map[string]string{"CLEARPOST_OIDC_PROVIDERS_FILE": dir + "/bad.json"}))
	for _, want := range []string{"providers[0].issuer", "providers[0].client_id", "providers[0].org_slug"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s missing from %v", want, err)
		}
	}
}
