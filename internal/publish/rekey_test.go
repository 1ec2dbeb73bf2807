package publish_test

import (
	"context"
	"log/slog"
	"testing"

	"clearpost/internal/auth"
	"clearpost/internal/postgres/pgtest"
	"clearpost/internal/publish"
	"clearpost/internal/publish/platform"
	"clearpost/internal/secretbox"

	"github.com/google/uuid"
)

// Rotating the key: credentials sealed with the old key open after the new key goes first, Rekey
// re-seals them with it, and then the old key can go.
func TestRekeyRotatesChannelCredentials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	var org, user uuid.UUID
	if err := pool.QueryRow(ctx, `INSERT INTO organizations (slug, name) VALUES ('acme', 'Acme') RETURNING id`).Scan(&org); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `INSERT INTO users (org_id, issuer, subject, email, name, roles) VALUES ($1, 'https://idp', 'admin', 'admin@acme.test', 'Admin', '{ADMIN}') RETURNING id`, org).Scan(&user); err != nil {
		t.Fatal(err)
	}
	ctx = auth.WithPrincipal(ctx, &auth.Principal{UserID: user, OrgID: org, Email: "admin@acme.test", Roles: []auth.Role{auth.RoleAdmin}})
	oldKey, newKey := secretbox.NewKey("old"), secretbox.NewKey("new")
	service := func(spec string) *publish.Service {
		keys, err := secretbox.Parse(spec)
		if err != nil {
			t.Fatal(err)
		}
		return publish.NewService(pool, keys, platform.Adapters(platform.Options{}), slog.New(slog.DiscardHandler))
	}
	ch, err := service(oldKey).CreateChannel(ctx, publish.ChannelInput{Platform: "x", Name: "Brand",
		Credentials: map[string]string{"access_token": "secret-token", "user_id": "42"}})
	if err != nil {
		t.Fatal(err)
	}

	rotated := service(newKey + "," + oldKey)
	if n, err := rotated.Rekey(ctx); err != nil || n != 1 {
		t.Fatalf("Rekey = %d, %v; want 1", n, err)
	}
	if n, err := rotated.Rekey(ctx); err != nil || n != 0 {
		t.Fatalf("second Rekey = %d, %v; want 0", n, err)
	}
	got, err := service(newKey).ChannelsByIDs(ctx, []uuid.UUID{ch.ID})
	if err != nil {
		t.Fatalf("open with only the new key: %v", err)
	}
	if keys := got[ch.ID].CredentialKeys; len(keys) != 2 {
		t.Errorf("credential keys after rotation = %v", keys)
	}
	if _, err := service(oldKey).ChannelsByIDs(ctx, []uuid.UUID{ch.ID}); err == nil {
		t.Error("credentials re-sealed with the new key still open with the old one")
	}
}
