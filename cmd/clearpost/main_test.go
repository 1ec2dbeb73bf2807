package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"clearpost/internal/audit"
	"clearpost/internal/postgres/pgtest"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

func runCLI(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
	return out.String() + errOut.String(), err
}

func TestConfigurationProblemsAreListed(t *testing.T) {
	t.Parallel()
	_, err := runCLI(t, map[string]string{"CLEARPOST_LOG_LEVEL": "loud", "CLEARPOST_HTTP_ADDR": "nope"}, "serve")
	if err == nil || !strings.Contains(err.Error(), "CLEARPOST_LOG_LEVEL") || !strings.Contains(err.Error(), "CLEARPOST_HTTP_ADDR") {
		t.Fatalf("err = %v", err)
	}
	_, err = runCLI(t, nil, "serve")
	if err == nil || !strings.Contains(err.Error(), "CLEARPOST_OIDC_ISSUER: required") {
		t.Fatalf("serve without an issuer: %v", err)
	}
}

func TestDevRefusesNonLoopback(t *testing.T) {
	t.Parallel()
	_, err := runCLI(t, map[string]string{"CLEARPOST_HTTP_ADDR": "0.0.0.0:8080"}, "dev")
	if err == nil || !strings.Contains(err.Error(), "loopback only") {
		t.Fatalf("err = %v", err)
	}
}

func TestMigrateStatusAndKeygen(t *testing.T) {
	t.Parallel()
	_, url := pgtest.NewWithURL(t)
	out, err := runCLI(t, map[string]string{"CLEARPOST_DATABASE_URL": url}, "migrate", "status")
	if err != nil || !strings.Contains(out, "00001_core.sql") || strings.Contains(out, "pending") {
		t.Fatalf("migrate status: %v\n%s", err, out)
	}
	out, err = runCLI(t, nil, "audit", "keygen")
	if err != nil || len(strings.TrimSpace(out)) != 44 {
		t.Fatalf("keygen: %v %q", err, out)
	}
}

// clearpost audit verify names the first event a superuser tampered with, and fails.
func TestAuditVerifyNamesTamperedEvent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, url := pgtest.NewWithURL(t)
	var org uuid.UUID
	if err := pool.QueryRow(ctx, `INSERT INTO organizations (slug, name) VALUES ('acme', 'Acme') RETURNING id`).Scan(&org); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if err := audit.Record(ctx, pool, audit.Event{OrgID: org, Action: "post.created", SubjectType: "post", SubjectID: fmt.Sprint(i), Details: map[string]any{"n": i}}); err != nil {
			t.Fatal(err)
		}
	}
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := audit.NewSealer(pool, key, slog.New(slog.DiscardHandler)).SealOrg(ctx, org); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CLEARPOST_DATABASE_URL": url, "CLEARPOST_AUDIT_SIGNING_KEY": base64.StdEncoding.EncodeToString(key.Seed())}
	if out, err := runCLI(t, env, "audit", "verify", "acme"); err != nil || !strings.Contains(out, "acme: ok, 10 events verified") ||
		!strings.Contains(out, "signed with this service's key") {
		t.Fatalf("intact chain: %v\n%s", err, out)
	}
	// A chain whose checkpoint another key signed is not trusted.
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	otherEnv := map[string]string{"CLEARPOST_DATABASE_URL": url, "CLEARPOST_AUDIT_SIGNING_KEY": base64.StdEncoding.EncodeToString(other.Seed())}
	if out, err := runCLI(t, otherEnv, "audit", "verify", "acme"); err == nil || !strings.Contains(out, "UNTRUSTED") {
		t.Fatalf("checkpoint signed by another key: %v\n%s", err, out)
	}
	var victim int64
	if err := pool.QueryRow(ctx, `SELECT id FROM audit_events WHERE org_id = $1 AND seq = 4`, org).Scan(&victim); err != nil {
		t.Fatal(err)
	}
	tamper(t, url, `UPDATE audit_events SET details = '{"n": 999}' WHERE id = $1`, victim)
	out, err := runCLI(t, env, "audit", "verify")
	if err == nil || !strings.Contains(out, fmt.Sprintf("acme: BROKEN at event %d (seq 4)", victim)) {
		t.Fatalf("tampered chain: %v\n%s", err, out)
	}
}

// tamper runs sql as a superuser would: with triggers switched off for the session.
func tamper(t *testing.T, url, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `SET session_replication_role = replica`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatal(err)
	}
}
