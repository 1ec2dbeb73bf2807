package config

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
	if err != nil || !slices.Equal(m["social-admins"], []string{"role:ADMIN"}) || !slices.Equal(m["okta-legal"], []string{"group:legal"}) {
		t.Fatalf("map = %v, %v", m, err)
	}
}

// One identity-provider group maps to a role and a reviewer group at once, written with "+" or
// with the group repeated; a bad entry is named with the variable.
func TestGroupMapOneGroupToSeveral(t *testing.T) {
	want := []string{"role:REVIEWER", "group:legal"}
	for _, spec := range []string{
		"okta-legal=role:REVIEWER+group:legal",
		"okta-legal=role:REVIEWER,okta-legal=group:legal",
		"okta-legal = role:REVIEWER + group:legal, okta-legal=group:legal",
	} {
		c, err := FromEnv(env(map[string]string{"CLEARPOST_OIDC_GROUP_MAP": spec + ",social-admins=role:ADMIN"}))
		if err != nil || !slices.Equal(c.GroupMap["okta-legal"], want) || !slices.Equal(c.GroupMap["social-admins"], []string{"role:ADMIN"}) {
			t.Errorf("%q: map = %v, %v", spec, c.GroupMap, err)
		}
	}
	for spec, bad := range map[string]string{
		"okta-legal=role:REVIEWER+group:Legal Team": `"okta-legal=role:REVIEWER+group:Legal Team"`,
		"okta-legal=role:KING":                      `"KING" is not a role`,
		"okta-legal=role:REVIEWER+":                 `"okta-legal=role:REVIEWER+"`,
		"=role:ADMIN":                               `"=role:ADMIN"`,
		"admins=boss":                               `"admins=boss"`,
	} {
		_, err := FromEnv(env(map[string]string{"CLEARPOST_OIDC_GROUP_MAP": spec}))
		if err == nil || !strings.Contains(err.Error(), "CLEARPOST_OIDC_GROUP_MAP") || !strings.Contains(err.Error(), bad) {
			t.Errorf("%q: err = %v, want it to name CLEARPOST_OIDC_GROUP_MAP and %s", spec, err, bad)
		}
	}
}

// serve and worker build links (tracked shares, notifications, e-mail) and refuse to start without
// the URL browsers reach them at.
func TestServeRequiresPublicURL(t *testing.T) {
	complete := map[string]string{
		"CLEARPOST_OIDC_ISSUER": "https://idp.example.com", "CLEARPOST_OIDC_CLIENT_ID": "clearpost",
		"CLEARPOST_AUDIT_SIGNING_KEY": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		"CLEARPOST_SECRET_KEYS":       "k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		"CLEARPOST_CLICK_KEY":         "0123456789abcdef0123",
	}
	c, err := FromEnv(env(complete))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.RequireServe(); err == nil || !strings.Contains(err.Error(), "CLEARPOST_PUBLIC_URL: required") {
		t.Fatalf("serve without a public URL: %v", err)
	}
	complete["CLEARPOST_PUBLIC_URL"] = "https://clearpost.example.com"
	if c, err = FromEnv(env(complete)); err != nil {
		t.Fatal(err)
	}
	if err := c.RequireServe(); err != nil {
		t.Fatalf("complete configuration: %v", err)
	}
	complete["CLEARPOST_PUBLIC_URL"] = "clearpost.example.com"
	if _, err := FromEnv(env(complete)); err == nil || !strings.Contains(err.Error(), "CLEARPOST_PUBLIC_URL") {
		t.Fatalf("public URL without a scheme: %v", err)
	}
}

// deploy/dex/clearpost.env loads in a shell (set -a; . file) and is, by itself, a configuration
// serve accepts.
func TestDexEnvFileLoadsAndServes(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	path, err := filepath.Abs("../../deploy/dex/clearpost.env")
	if err != nil {
		t.Fatal(err)
	}
	// env -i: only what the file sets (and what bash itself sets) reaches the configuration.
	cmd := exec.Command("env", "-i", bash, "--noprofile", "--norc", "-e", "-c", `set -a; . "$0"; env -0`, path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("sourcing %s: %v\n%s", path, err, stderr.String())
	}
	vars := map[string]string{}
	for _, kv := range strings.Split(string(out), "\x00") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	if got := vars["CLEARPOST_OIDC_SCOPES"]; got != "openid profile email groups" {
		t.Errorf("CLEARPOST_OIDC_SCOPES = %q", got)
	}
	for _, name := range []string{"CLEARPOST_OIDC_ISSUER", "CLEARPOST_OIDC_CLIENT_ID", "CLEARPOST_OIDC_CLIENT_SECRET", "CLEARPOST_PUBLIC_URL",
		"CLEARPOST_AUDIT_SIGNING_KEY", "CLEARPOST_SECRET_KEYS", "CLEARPOST_CLICK_KEY", "CLEARPOST_ORG_NAME", "CLEARPOST_DEX_CLIENT_SECRET"} {
		if vars[name] == "" {
			t.Errorf("%s is not set by the file", name)
		}
	}
	if vars["CLEARPOST_ORG_NAME"] != "Example Corp" {
		t.Errorf("CLEARPOST_ORG_NAME = %q", vars["CLEARPOST_ORG_NAME"])
	}
	if vars["CLEARPOST_OIDC_CLIENT_SECRET"] != vars["CLEARPOST_DEX_CLIENT_SECRET"] {
		t.Error("Clearpost's client secret is not the one Dex is given")
	}
	c, err := FromEnv(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatalf("configuration from %s: %v", path, err)
	}
	if err := c.RequireServe(); err != nil {
		t.Fatalf("serve with %s: %v", path, err)
	}
	if !slices.Contains(c.OIDCScopes, "groups") || !slices.Equal(c.GroupMap["legal"], []string{"role:REVIEWER", "group:legal"}) {
		t.Fatalf("scopes %v, group map %v", c.OIDCScopes, c.GroupMap)
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
