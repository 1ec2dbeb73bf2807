package webhooks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/webhooks"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// auditTrail returns org's webhook audit events as "action details".
func (b *bundle) auditTrail(t *testing.T, org uuid.UUID) []string {
	t.Helper()
	rows, err := b.pool.Query(context.Background(), `SELECT action || ' ' || details::text FROM audit_events
		WHERE org_id = $1 AND subject_type = 'webhook_subscription' ORDER BY id`, org)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// storedSecret returns the secret column of subscription id.
func (b *bundle) storedSecret(t *testing.T, id uuid.UUID) []byte {
	t.Helper()
	var sealed []byte
	if err := b.pool.QueryRow(context.Background(), `SELECT secret FROM webhook_subscriptions WHERE id = $1`, id).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	return sealed
}

// The secret is returned by Create and RotateSecret only, stored sealed (bound to its row), and
// never in Get, List or the audit log.
func TestSecretIsShownOnceAndStoredSealed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sub, secret, err := b.svc.Create(b.admin, webhooks.SubscriptionInput{
		URL: "https://hooks.example.com/clearpost", Events: []string{"post.approved", "post.published", "post.approved"}, Description: " CI bot ",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "whsec_") || len(secret) < 40 {
		t.Errorf("secret %q: want whsec_ and at least 32 random bytes", secret)
	}
	if !sub.Active || sub.Description != "CI bot" || !reflect.DeepEqual(sub.Events, []string{"post.approved", "post.published"}) {
		t.Errorf("created %+v: want active, trimmed description, sorted unique events", sub)
	}

	sealed := b.storedSecret(t, sub.ID)
	if bytes.Contains(sealed, []byte(secret)) || bytes.Contains(sealed, []byte(strings.TrimPrefix(secret, "whsec_"))) {
		t.Fatal("the stored secret column contains the plaintext")
	}
	opened, err := b.keys.Open(sealed, []byte("webhook_subscriptions:"+sub.ID.String()+":secret"))
	if err != nil || string(opened) != secret {
		t.Fatalf("stored secret opens to %q, %v; want the secret Create returned", opened, err)
	}

	got, err := b.svc.Get(b.admin, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	list, err := b.svc.List(b.admin, nil, 10)
	if err != nil || len(list) != 1 || list[0].ID != sub.ID {
		t.Fatalf("List = %v, %v; want the subscription", list, err)
	}
	for name, v := range map[string]any{"Get": got, "List": list} {
		j, _ := json.Marshal(v)
		if strings.Contains(string(j), secret) || strings.Contains(string(j), strings.TrimPrefix(secret, "whsec_")) {
			t.Errorf("%s shows the secret: %s", name, j)
		}
	}

	rotated, newSecret, err := b.svc.RotateSecret(b.admin, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if newSecret == secret || !strings.HasPrefix(newSecret, "whsec_") || rotated.SecretRotatedAt == nil {
		t.Errorf("rotate: secret %q (old %q), rotated at %v", newSecret, secret, rotated.SecretRotatedAt)
	}
	if opened, err := b.keys.Open(b.storedSecret(t, sub.ID), []byte("webhook_subscriptions:"+sub.ID.String()+":secret")); err != nil || string(opened) != newSecret {
		t.Errorf("after rotation the stored secret opens to %q, %v", opened, err)
	}

	if _, err := b.svc.Update(b.admin, sub.ID, webhooks.SubscriptionUpdate{Events: []string{"share.created"}}); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.Delete(b.admin, sub.ID); err != nil {
		t.Fatal(err)
	}
	trail := b.auditTrail(t, b.org)
	var actions []string
	for _, e := range trail {
		action, _, _ := strings.Cut(e, " ")
		actions = append(actions, action)
		for _, s := range []string{secret, newSecret} {
			if strings.Contains(e, strings.TrimPrefix(s, "whsec_")) {
				t.Errorf("audit event shows a secret: %s", e)
			}
		}
	}
	want := []string{"webhook.created", "webhook.secret_rotated", "webhook.updated", "webhook.deleted"}
	if !reflect.DeepEqual(actions, want) {
		t.Errorf("audit actions %v, want %v", actions, want)
	}
	if !strings.Contains(trail[2], `"share.created"`) || !strings.Contains(trail[2], `"before"`) {
		t.Errorf("update audit event %s: want before and after", trail[2])
	}
	if _, err := b.svc.Get(b.admin, sub.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("Get after Delete: %v, want NOT_FOUND", err)
	}
}

// Bad input is refused naming the field, and changes nothing.
func TestBadInputIsNamedAndChangesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *webhooks.Options) { o.AllowLoopback = false })
	good := webhooks.SubscriptionInput{URL: "https://hooks.example.com/x", Events: []string{"post.approved"}}
	with := func(f func(*webhooks.SubscriptionInput)) webhooks.SubscriptionInput {
		in := good
		f(&in)
		return in
	}
	for _, tc := range []struct {
		name  string
		in    webhooks.SubscriptionInput
		field string
	}{
		{"no url", with(func(in *webhooks.SubscriptionInput) { in.URL = " " }), "url"},
		{"not a url", with(func(in *webhooks.SubscriptionInput) { in.URL = "hooks.example.com/x" }), "url"},
		{"ftp", with(func(in *webhooks.SubscriptionInput) { in.URL = "ftp://hooks.example.com/x" }), "url"},
		{"plain http", with(func(in *webhooks.SubscriptionInput) { in.URL = "http://hooks.example.com/x" }), "url"},
		{"http loopback without the option", with(func(in *webhooks.SubscriptionInput) { in.URL = "http://127.0.0.1:8080/x" }), "url"},
		{"https loopback without the option", with(func(in *webhooks.SubscriptionInput) { in.URL = "https://127.0.0.1/x" }), "url"},
		{"localhost", with(func(in *webhooks.SubscriptionInput) { in.URL = "https://localhost/x" }), "url"},
		{"ipv6 loopback", with(func(in *webhooks.SubscriptionInput) { in.URL = "https://[::1]/x" }), "url"},
		{"private", with(func(in *webhooks.SubscriptionInput) { in.URL = "https://10.1.2.3/x" }), "url"},
		{"link-local metadata", with(func(in *webhooks.SubscriptionInput) { in.URL = "https://169.254.169.254/latest" }), "url"},
		{"mapped private", with(func(in *webhooks.SubscriptionInput) { in.URL = "https://[::ffff:192.168.1.1]/x" }), "url"},
		{"credentials", with(func(in *webhooks.SubscriptionInput) { in.URL = "https://u:p@hooks.example.com/x" }), "url"},
		{"too long", with(func(in *webhooks.SubscriptionInput) {
			in.URL = "https://hooks.example.com/" + strings.Repeat("a", 2048)
		}), "url"},
		{"no events", with(func(in *webhooks.SubscriptionInput) { in.Events = nil }), "events"},
		{"unknown event", with(func(in *webhooks.SubscriptionInput) { in.Events = []string{"post.approved", "post.deleted"} }), "events[1]"},
		{"description too long", with(func(in *webhooks.SubscriptionInput) { in.Description = strings.Repeat("d", 501) }), "description"},
	} {
		_, secret, err := b.svc.Create(b.admin, tc.in)
		wantField(t, tc.name, err, tc.field)
		if secret != "" {
			t.Errorf("%s: a secret was returned", tc.name)
		}
	}
	// Several problems are reported at once.
	_, _, err := b.svc.Create(b.admin, webhooks.SubscriptionInput{URL: "http://x", Events: []string{"nope"}})
	wantField(t, "two problems", err, "url")
	wantField(t, "two problems", err, "events[0]")
	if n := b.count(t, `SELECT count(*) FROM webhook_subscriptions`); n != 0 {
		t.Errorf("%d subscriptions stored after bad input", n)
	}

	sub, _, err := b.svc.Create(b.admin, good)
	if err != nil {
		t.Fatal(err)
	}
	bad := "http://hooks.example.com/x"
	for _, tc := range []struct {
		name  string
		in    webhooks.SubscriptionUpdate
		field string
	}{
		{"url", webhooks.SubscriptionUpdate{URL: &bad}, "url"},
		{"empty events", webhooks.SubscriptionUpdate{Events: []string{}}, "events"},
		{"unknown event", webhooks.SubscriptionUpdate{Events: []string{"post.approved", "POST"}}, "events[1]"},
	} {
		_, err := b.svc.Update(b.admin, sub.ID, tc.in)
		wantField(t, "update "+tc.name, err, tc.field)
	}
	got, err := b.svc.Get(b.admin, sub.ID)
	if err != nil || !reflect.DeepEqual(got, sub) {
		t.Errorf("after refused updates: %+v, %v; want unchanged %+v", got, err, sub)
	}
	if trail := b.auditTrail(t, b.org); len(trail) != 1 {
		t.Errorf("audit events after refused input: %v, want the creation only", trail)
	}
}

// Only admins manage subscriptions and read deliveries; nobody signed in is UNAUTHENTICATED.
func TestNonAdminsAreForbidden(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sub, _, err := b.svc.Create(b.admin, webhooks.SubscriptionInput{URL: "https://hooks.example.com/x", Events: []string{"post.approved"}})
	if err != nil {
		t.Fatal(err)
	}
	active := false
	calls := map[string]func(ctx context.Context) error{
		"Create": func(ctx context.Context) error {
			_, _, err := b.svc.Create(ctx, webhooks.SubscriptionInput{URL: "https://evil.example.com", Events: []string{"post.approved"}})
			return err
		},
		"Get":  func(ctx context.Context) error { _, err := b.svc.Get(ctx, sub.ID); return err },
		"List": func(ctx context.Context) error { _, err := b.svc.List(ctx, nil, 10); return err },
		"Update": func(ctx context.Context) error {
			_, err := b.svc.Update(ctx, sub.ID, webhooks.SubscriptionUpdate{Active: &active})
			return err
		},
		"Delete":       func(ctx context.Context) error { return b.svc.Delete(ctx, sub.ID) },
		"RotateSecret": func(ctx context.Context) error { _, _, err := b.svc.RotateSecret(ctx, sub.ID); return err },
		"Deliveries":   func(ctx context.Context) error { _, err := b.svc.Deliveries(ctx, sub.ID, nil, 10); return err },
		"Delivery":     func(ctx context.Context) error { _, err := b.svc.Delivery(ctx, uuid.New()); return err },
		"Redeliver":    func(ctx context.Context) error { _, err := b.svc.Redeliver(ctx, uuid.New()); return err },
	}
	marketer := b.as(t, b.org, "marketer@acme.test", auth.RoleMarketer, auth.RoleReviewer, auth.RoleEmployee)
	for name, call := range calls {
		wantCode(t, name+" as marketer", call(marketer), apperr.Forbidden)
		wantCode(t, name+" signed out", call(context.Background()), apperr.Unauthenticated)
	}
	got, err := b.svc.Get(b.admin, sub.ID)
	if err != nil || !reflect.DeepEqual(got, sub) {
		t.Errorf("subscription after refused calls: %+v, %v", got, err)
	}
	if n := b.count(t, `SELECT count(*) FROM webhook_subscriptions`); n != 1 {
		t.Errorf("%d subscriptions, want 1", n)
	}
}

// Another organization's subscriptions and deliveries do not exist for an admin.
func TestOtherOrganizationIsNotFound(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rcv := newReceiver(t)
	sub := b.subscribe(t, b.admin, rcv.URL, rcv, "post.approved")
	b.event(t, b.org, "post.approved", map[string]any{"post_id": uuid.New()})
	b.pump(t)
	ds := b.deliveries(t, sub.ID)
	if len(ds) != 1 {
		t.Fatalf("%d deliveries, want 1", len(ds))
	}
	before := b.storedSecret(t, sub.ID)

	other := b.as(t, mustOrg(t, b.pool, "globex"), "admin@globex.test", auth.RoleAdmin)
	active := false
	for name, err := range map[string]error{
		"Get": func() error { _, err := b.svc.Get(other, sub.ID); return err }(),
		"Update": func() error {
			_, err := b.svc.Update(other, sub.ID, webhooks.SubscriptionUpdate{Active: &active})
			return err
		}(),
		"Delete":     b.svc.Delete(other, sub.ID),
		"Rotate":     func() error { _, _, err := b.svc.RotateSecret(other, sub.ID); return err }(),
		"Deliveries": func() error { _, err := b.svc.Deliveries(other, sub.ID, nil, 10); return err }(),
		"Delivery":   func() error { _, err := b.svc.Delivery(other, ds[0].ID); return err }(),
		"Redeliver":  func() error { _, err := b.svc.Redeliver(other, ds[0].ID); return err }(),
	} {
		wantCode(t, name, err, apperr.NotFound)
	}
	if list, err := b.svc.List(other, nil, 10); err != nil || len(list) != 0 {
		t.Errorf("other organization's List = %v, %v; want empty", list, err)
	}
	got, err := b.svc.Get(b.admin, sub.ID)
	if err != nil || !got.Active || !bytes.Equal(b.storedSecret(t, sub.ID), before) {
		t.Errorf("subscription changed by another organization: %+v, %v", got, err)
	}
	if n := len(b.deliveries(t, sub.ID)); n != 1 {
		t.Errorf("%d deliveries after another organization's redeliver, want 1", n)
	}
}
