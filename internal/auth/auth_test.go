package auth_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"testing"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/devoidc"
	"clearpost/internal/devoidc/devoidctest"
	"clearpost/internal/postgres/pgtest"

	"github.com/jackc/pgx/v5/pgxpool"
)

const clientID = "clearpost-test"

type bundle struct {
	pool     *pgxpool.Pool
	provider *devoidc.Provider
	authn    *auth.Authenticator
}

func setup(t *testing.T) bundle {
	t.Helper()
	pool := pgtest.New(t)
	provider := devoidctest.Start(t, clientID, []devoidc.User{
		{Subject: "u-boss", Email: "boss@example.com", Name: "Boss", Groups: []string{"okta-legal"}},
		{Subject: "u-admin", Email: "it@example.com", Name: "IT", Groups: []string{"social-admins"}},
	})
	if _, err := auth.RegisterProvider(context.Background(), pool, "acme", "Acme", provider.Issuer(), clientID); err != nil {
		t.Fatal(err)
	}
	authn := auth.NewAuthenticator(pool, auth.Mapping{
		GroupsClaim:     "groups",
		GroupMap:        map[string][]string{"okta-legal": {"group:legal"}, "social-admins": {"role:ADMIN"}},
		BootstrapAdmins: []string{"boss@example.com"},
	}, slog.New(slog.DiscardHandler), nil)
	return bundle{pool: pool, provider: provider, authn: authn}
}

func TestClaimMappingAndBootstrapAdmins(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	tok, _ := b.provider.Token("boss@example.com")
	p, err := b.authn.Authenticate(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Has(auth.RoleAdmin) || !p.InGroup("legal") || !p.Has(auth.RoleEmployee) {
		t.Fatalf("bootstrap admin in okta-legal: roles %v groups %v", p.Roles, p.Groups)
	}
	tok, _ = b.provider.Token("it@example.com")
	if p, err = b.authn.Authenticate(ctx, tok); err != nil || !p.Has(auth.RoleAdmin) || len(p.Groups) != 0 {
		t.Fatalf("social-admins: %v %+v", err, p)
	}
	// A second request reads the user without writing.
	var before, after time.Time
	if err := b.pool.QueryRow(ctx, `SELECT updated_at FROM users WHERE email = 'it@example.com'`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	if _, err := b.authn.Authenticate(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if err := b.pool.QueryRow(ctx, `SELECT updated_at FROM users WHERE email = 'it@example.com'`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if !after.Equal(before) {
		t.Fatal("an unchanged sign-in rewrote the user")
	}
}

func TestBadTokensAreRefusedAndCreateNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	u, _ := b.provider.UserByEmail("boss@example.com")
	mint := func(opts ...devoidc.MintOption) string {
		tok, err := b.provider.MintIDToken(u, opts...)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	for name, tok := range map[string]string{
		"wrong audience": mint(devoidc.Audience("someone-else")),
		"expired":        mint(devoidc.TTL(-time.Minute)),
		"unknown kid":    mint(devoidc.HeaderKeyID("nope")),
		"no email":       mint(devoidc.WithoutClaim("email")),
		"not a jwt":      "abc.def",
	} {
		if _, err := b.authn.Authenticate(ctx, tok); !errors.Is(err, apperr.ErrUnauthenticated) {
			t.Errorf("%s: err = %v, want UNAUTHENTICATED", name, err)
		}
	}
	var users int
	if err := b.pool.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&users); err != nil {
		t.Fatal(err)
	}
	if users != 0 {
		t.Fatalf("refused tokens provisioned %d users", users)
	}
}

func TestSigningKeyRotatesWithoutRestart(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	tok, _ := b.provider.Token("boss@example.com")
	if _, err := b.authn.Authenticate(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := b.provider.RotateKey(); err != nil {
		t.Fatal(err)
	}
	tok, _ = b.provider.Token("boss@example.com")
	if _, err := b.authn.Authenticate(ctx, tok); err != nil {
		t.Fatalf("token signed with the rotated key: %v", err)
	}
}

func TestDeactivatedUsersAreRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	tok, _ := b.provider.Token("it@example.com")
	if _, err := b.authn.Authenticate(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := b.pool.Exec(ctx, `UPDATE users SET active = false WHERE email = 'it@example.com'`); err != nil {
		t.Fatal(err)
	}
	if _, err := b.authn.Authenticate(ctx, tok); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Fatalf("deactivated user: %v", err)
	}
}

func TestMappingIgnoresUnknownGroups(t *testing.T) {
	m := auth.Mapping{GroupsClaim: "groups", GroupMap: map[string][]string{"a": {"role:MARKETER"}, "b": {"group:brand"}, "c": {"role:KING"}}}
	roles, groups := m.Mapped(map[string]any{"groups": []any{"a", "b", "c", "zzz", 7}})
	if !slices.Equal(roles, []auth.Role{auth.RoleMarketer}) || !slices.Equal(groups, []string{"brand"}) {
		t.Fatalf("roles %v groups %v", roles, groups)
	}
	roles, groups = m.Mapped(map[string]any{"groups": "b"})
	if len(roles) != 0 || !slices.Equal(groups, []string{"brand"}) {
		t.Fatalf("single-string claim: roles %v groups %v", roles, groups)
	}
}

func TestUnverifiedEmailGrantsNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	u, _ := b.provider.UserByEmail("boss@example.com")
	tok, err := b.provider.MintIDToken(u, devoidc.Claim("email_verified", false))
	if err != nil {
		t.Fatal(err)
	}
	p, err := b.authn.Authenticate(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if p.Has(auth.RoleAdmin) {
		t.Fatal("an unverified e-mail on the bootstrap list was made ADMIN")
	}
}

// One identity-provider group grants a role and a reviewer group at once.
func TestOneIdPGroupGrantsRoleAndGroup(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	provider := devoidctest.Start(t, clientID, []devoidc.User{
		{Subject: "u-lawyer", Email: "lawyer@example.com", Name: "Lawyer", Groups: []string{"okta-legal"}},
	})
	if _, err := auth.RegisterProvider(context.Background(), pool, "acme", "Acme", provider.Issuer(), clientID); err != nil {
		t.Fatal(err)
	}
	authn := auth.NewAuthenticator(pool, auth.Mapping{
		GroupsClaim: "groups",
		GroupMap:    map[string][]string{"okta-legal": {"role:REVIEWER", "group:legal"}},
	}, slog.New(slog.DiscardHandler), nil)
	tok, _ := provider.Token("lawyer@example.com")
	p, err := authn.Authenticate(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Has(auth.RoleReviewer) || !p.InGroup("legal") {
		t.Fatalf("okta-legal: roles %v groups %v", p.Roles, p.Groups)
	}
}
