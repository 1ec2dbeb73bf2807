package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/audit"
	"clearpost/internal/postgres"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Mapping turns identity-provider claims into Clearpost roles and groups.
type Mapping struct {
	// GroupsClaim names the claim listing the user's IdP groups ("groups").
	GroupsClaim string
	// GroupMap maps an IdP group to "role:ROLE" or "group:name". Unmapped IdP groups are ignored.
	GroupMap map[string]string
	// BootstrapAdmins are e-mail addresses that are always ADMIN.
	BootstrapAdmins []string
}

// Authenticator verifies bearer tokens with go-oidc against the identity provider registered for
// the token's issuer, and provisions the user on first sight.
type Authenticator struct {
	pool    *pgxpool.Pool
	mapping Mapping
	log     *slog.Logger
	client  *http.Client

	mu        sync.Mutex
	verifiers map[string]*issuerVerifier // by issuer
}

type issuerVerifier struct {
	orgID    uuid.UUID
	clientID string
	verifier *oidc.IDTokenVerifier
	loadedAt time.Time
}

// NewAuthenticator returns an authenticator. client may be nil (http.DefaultClient).
func NewAuthenticator(pool *pgxpool.Pool, m Mapping, log *slog.Logger, client *http.Client) *Authenticator {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &Authenticator{pool: pool, mapping: m, log: log, client: client, verifiers: map[string]*issuerVerifier{}}
}

// providerTTL bounds how long a registration is trusted before it is read again (so a removed or
// changed identity provider takes effect without a restart). Signing keys rotate independently:
// go-oidc refetches the JWKS when it meets an unknown key id.
const providerTTL = 5 * time.Minute

// Authenticate verifies raw (a JWT ID token) and returns its user as a principal.
func (a *Authenticator) Authenticate(ctx context.Context, raw string) (*Principal, error) {
	iss, err := unverifiedIssuer(raw)
	if err != nil {
		return nil, apperr.Unauthenticatedf("malformed bearer token")
	}
	v, err := a.verifierFor(ctx, iss)
	if err != nil {
		return nil, err
	}
	tok, err := v.verifier.Verify(ctx, raw)
	if err != nil {
		a.log.InfoContext(ctx, "bearer token refused", slog.String("issuer", iss), slog.Any("error", err))
		return nil, apperr.Unauthenticatedf("invalid bearer token")
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return nil, apperr.Unauthenticatedf("invalid bearer token claims")
	}
	if tok.Subject == "" {
		return nil, apperr.Unauthenticatedf("token has no subject")
	}
	u, err := a.provision(ctx, v.orgID, tok.Issuer, tok.Subject, claims)
	if err != nil {
		return nil, err
	}
	if !u.Active {
		return nil, apperr.Unauthenticatedf("this account is deactivated")
	}
	return u.Principal(), nil
}

func (a *Authenticator) verifierFor(ctx context.Context, issuer string) (*issuerVerifier, error) {
	a.mu.Lock()
	v, ok := a.verifiers[issuer]
	a.mu.Unlock()
	if ok && time.Since(v.loadedAt) < providerTTL {
		return v, nil
	}
	var orgID uuid.UUID
	var clientID string
	err := a.pool.QueryRow(ctx, `SELECT org_id, client_id FROM identity_providers WHERE issuer = $1`, issuer).Scan(&orgID, &clientID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.Unauthenticatedf("token issuer is not a registered identity provider")
	}
	if err != nil {
		return nil, fmt.Errorf("look up identity provider: %w", err)
	}
	if ok && v.orgID == orgID && v.clientID == clientID {
		a.mu.Lock()
		v.loadedAt = time.Now()
		a.mu.Unlock()
		return v, nil
	}
	provider, err := oidc.NewProvider(oidc.ClientContext(ctx, a.client), issuer)
	if err != nil {
		a.log.WarnContext(ctx, "identity provider discovery failed", slog.String("issuer", issuer), slog.Any("error", err))
		return nil, apperr.Unauthenticatedf("identity provider unreachable, try again")
	}
	v = &issuerVerifier{
		orgID:    orgID,
		clientID: clientID,
		// The verifier's key set fetches with the client stored in this context, for as long as it lives.
		verifier: provider.VerifierContext(oidc.ClientContext(context.Background(), a.client), &oidc.Config{ClientID: clientID}),
		loadedAt: time.Now(),
	}
	a.mu.Lock()
	a.verifiers[issuer] = v
	a.mu.Unlock()
	return v, nil
}

// unverifiedIssuer reads the iss claim of a JWT without verifying it, to pick the verifier.
func unverifiedIssuer(raw string) (string, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return "", errors.New("not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", err
	}
	var c struct {
		Iss string `json:"iss"`
	}
	if err := json.Unmarshal(payload, &c); err != nil || c.Iss == "" {
		return "", errors.New("no issuer")
	}
	return c.Iss, nil
}

// Mapped returns the roles and groups the claims map to.
func (m Mapping) Mapped(claims map[string]any) ([]Role, []string) {
	var roles []Role
	var groups []string
	for _, g := range stringList(claims[m.GroupsClaim]) {
		to, ok := m.GroupMap[g]
		if !ok {
			continue
		}
		if r, ok := strings.CutPrefix(to, "role:"); ok && Role(r).Valid() {
			roles = append(roles, Role(r))
		} else if g, ok := strings.CutPrefix(to, "group:"); ok && ValidGroupName(g) {
			groups = append(groups, g)
		}
	}
	return union(roles, nil), union(groups, nil)
}

func stringList(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// provision finds or creates the user of (issuer, subject) and refreshes what the token says of
// them. It writes only when something changed, so a request costs one read.
func (a *Authenticator) provision(ctx context.Context, org uuid.UUID, issuer, subject string, claims map[string]any) (*User, error) {
	email, _ := claims["email"].(string)
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" || !strings.Contains(email, "@") {
		return nil, apperr.Unauthenticatedf("token has no email claim")
	}
	name, _ := claims["name"].(string)
	claimRoles, claimGroups := a.mapping.Mapped(claims)
	bootstrap := slices.Contains(a.mapping.BootstrapAdmins, email)

	u, err := scanUser(a.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE issuer = $1 AND subject = $2`, issuer, subject))
	switch {
	case err == nil:
		if u.OrgID != org {
			return nil, apperr.Unauthenticatedf("account belongs to another organization")
		}
		if u.Email == email && u.Name == name && slices.Equal(u.ClaimRoles, claimRoles) &&
			slices.Equal(u.ClaimGroups, claimGroups) && (!bootstrap || slices.Contains(u.AssignedRoles, RoleAdmin)) {
			return u, nil
		}
	case !errors.Is(err, pgx.ErrNoRows):
		return nil, fmt.Errorf("provision user: %w", err)
	}

	var out *User
	err = postgres.WithTx(ctx, a.pool, func(tx pgx.Tx) error {
		assigned := []string{string(RoleEmployee)}
		if bootstrap {
			assigned = append(assigned, string(RoleAdmin))
		}
		var inserted bool
		row := tx.QueryRow(ctx, `INSERT INTO users (org_id, issuer, subject, email, name, claim_roles, claim_groups, roles)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (issuer, subject) DO UPDATE SET
				email = EXCLUDED.email, name = EXCLUDED.name,
				claim_roles = EXCLUDED.claim_roles, claim_groups = EXCLUDED.claim_groups,
				roles = CASE WHEN $9 AND NOT 'ADMIN' = ANY(users.roles) THEN users.roles || '{ADMIN}' ELSE users.roles END,
				updated_at = now()
			RETURNING `+userColumns+`, xmax = 0`,
			org, issuer, subject, email, name, claimRoles, claimGroups, assigned, bootstrap)
		var err error
		out, err = scanUserWith(row, &inserted)
		if err != nil {
			return postgres.MapError(err)
		}
		action := "user.updated_from_token"
		if inserted {
			action = "user.provisioned"
		}
		return audit.Record(ctx, tx, audit.Event{
			OrgID: org, ActorID: uuid.NullUUID{UUID: out.ID, Valid: true}, ActorEmail: email,
			Action: action, SubjectType: "user", SubjectID: out.ID.String(),
			Details: map[string]any{"issuer": issuer, "subject": subject, "claim_roles": claimRoles, "claim_groups": claimGroups, "bootstrap_admin": bootstrap},
		})
	})
	if errors.Is(err, apperr.ErrConflict) {
		return nil, apperr.Unauthenticatedf("another account of this organization already uses %s", email)
	}
	if err != nil {
		return nil, fmt.Errorf("provision user: %w", err)
	}
	return out, nil
}

func scanUserWith(row pgx.Row, extra ...any) (*User, error) {
	var u User
	var claimRoles, roles []string
	dst := []any{&u.ID, &u.OrgID, &u.Issuer, &u.Subject, &u.Email, &u.Name, &claimRoles, &u.ClaimGroups,
		&roles, &u.AssignedGroups, &u.Department, &u.Region, &u.Active, &u.CreatedAt, &u.UpdatedAt}
	if err := row.Scan(append(dst, extra...)...); err != nil {
		return nil, err
	}
	u.ClaimRoles, u.AssignedRoles = toRoles(claimRoles), toRoles(roles)
	return &u, nil
}

// RegisterProvider makes sure organization slug exists and that issuer signs users into it.
func RegisterProvider(ctx context.Context, db postgres.DB, slug, orgName, issuer, clientID string) (uuid.UUID, error) {
	var org uuid.UUID
	err := db.QueryRow(ctx, `INSERT INTO organizations (slug, name) VALUES ($1, $2)
		ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id`, slug, orgName).Scan(&org)
	if err != nil {
		return uuid.Nil, fmt.Errorf("register organization %s: %w", slug, err)
	}
	var owner uuid.UUID
	err = db.QueryRow(ctx, `INSERT INTO identity_providers (org_id, issuer, client_id) VALUES ($1, $2, $3)
		ON CONFLICT (issuer) DO UPDATE SET client_id = EXCLUDED.client_id WHERE identity_providers.org_id = EXCLUDED.org_id
		RETURNING org_id`, org, issuer, clientID).Scan(&owner)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, fmt.Errorf("issuer %s already signs users into another organization", issuer)
	}
	if err != nil {
		return uuid.Nil, fmt.Errorf("register identity provider %s: %w", issuer, err)
	}
	return org, nil
}
