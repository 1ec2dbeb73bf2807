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
	// GroupMap maps an IdP group to one or more "role:ROLE" and "group:name" targets. Unmapped IdP
	// groups are ignored.
	GroupMap map[string][]string
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

// issuerVerifier is a registered identity provider: its organization and its go-oidc verifiers.
type issuerVerifier struct {
	orgID    uuid.UUID
	clientID string
	audience string
	provider *oidc.Provider
	// idTokens verifies ID tokens issued for clientID; accessTokens verifies JWT access tokens,
	// whose audience is checked against audience by hand.
	idTokens     *oidc.IDTokenVerifier
	accessTokens *oidc.IDTokenVerifier
	loadedAt     time.Time
}

// NewAuthenticator returns an authenticator. client may be nil (a default client).
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

// clockSkew is how far in the future a token's iat may be.
const clockSkew = 2 * time.Minute

// Authenticate verifies raw, a JWT: an ID token issued for the provider's client id, or an access
// token whose audience is the provider's configured audience. It returns the token's user.
func (a *Authenticator) Authenticate(ctx context.Context, raw string) (*Principal, error) {
	iss, err := unverifiedIssuer(raw)
	if err != nil {
		return nil, apperr.Unauthenticatedf("malformed bearer token")
	}
	v, err := a.verifierFor(ctx, iss)
	if err != nil {
		return nil, err
	}
	tok, err := v.idTokens.Verify(ctx, raw)
	if err != nil && v.audience != "" {
		if at, aerr := v.accessTokens.Verify(ctx, raw); aerr == nil && slices.Contains(at.Audience, v.audience) {
			tok, err = at, nil
		}
	}
	if err != nil {
		a.log.InfoContext(ctx, "bearer token refused", slog.String("issuer", iss), slog.Any("error", err))
		return nil, apperr.Unauthenticatedf("invalid bearer token")
	}
	claims, err := checkToken(tok)
	if err != nil {
		return nil, err
	}
	return a.signIn(ctx, v.orgID, tok.Issuer, tok.Subject, claims)
}

// checkToken does the checks go-oidc leaves to its caller and returns the token's claims.
func checkToken(tok *oidc.IDToken) (map[string]any, error) {
	if tok.Subject == "" {
		return nil, apperr.Unauthenticatedf("token has no subject")
	}
	if tok.IssuedAt.IsZero() || tok.IssuedAt.After(time.Now().Add(clockSkew)) {
		return nil, apperr.Unauthenticatedf("token issued-at time is missing or in the future")
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return nil, apperr.Unauthenticatedf("invalid token claims")
	}
	return claims, nil
}

// signIn provisions the token's user and returns them as a principal, checking the organization's
// sign-on policy: the account is active and its e-mail domain allowed.
func (a *Authenticator) signIn(ctx context.Context, org uuid.UUID, issuer, subject string, claims map[string]any) (*Principal, error) {
	u, policy, err := a.provision(ctx, org, issuer, subject, claims)
	if err != nil {
		return nil, err
	}
	if !u.Active {
		return nil, apperr.Unauthenticatedf("this account is deactivated")
	}
	if !policy.allows(u.Email) {
		return nil, apperr.Unauthenticatedf("e-mail domain of %s may not sign in to this organization", u.Email)
	}
	p := u.Principal()
	p.AuthTime = authTime(claims)
	p.StepUp = policy.stepUp
	return p, nil
}

// authTime is when the user last authenticated at the provider: the auth_time claim. Without it
// the time is unknown (iat only says when the token was minted, perhaps from a long session), and
// step-up refuses.
func authTime(claims map[string]any) time.Time {
	if f, ok := claims["auth_time"].(float64); ok && f > 0 {
		return time.Unix(int64(f), 0)
	}
	return time.Time{}
}

func (a *Authenticator) verifierFor(ctx context.Context, issuer string) (*issuerVerifier, error) {
	a.mu.Lock()
	v, ok := a.verifiers[issuer]
	fresh := ok && time.Since(v.loadedAt) < providerTTL
	a.mu.Unlock()
	if fresh {
		return v, nil
	}
	orgID, clientID, audience, found, err := enabledProvider(ctx, a.pool, issuer)
	if err == nil && !found {
		// Unknown, or no longer configured (disabled at start): its tokens are refused.
		a.mu.Lock()
		delete(a.verifiers, issuer)
		a.mu.Unlock()
		return nil, apperr.Unauthenticatedf("token issuer is not a registered identity provider")
	}
	if err != nil {
		return nil, fmt.Errorf("look up identity provider: %w", err)
	}
	if ok && v.orgID == orgID && v.clientID == clientID && v.audience == audience {
		renewed := *v
		renewed.loadedAt = time.Now()
		a.mu.Lock()
		a.verifiers[issuer] = &renewed
		a.mu.Unlock()
		return &renewed, nil
	}
	provider, err := oidc.NewProvider(oidc.ClientContext(ctx, a.client), issuer)
	if err != nil {
		a.log.WarnContext(ctx, "identity provider discovery failed", slog.String("issuer", issuer), slog.Any("error", err))
		return nil, apperr.Unauthenticatedf("identity provider unreachable, try again")
	}
	// The verifiers' key set fetches with the client stored in this context, for as long as it lives.
	keyCtx := oidc.ClientContext(context.Background(), a.client)
	v = &issuerVerifier{
		orgID: orgID, clientID: clientID, audience: audience, provider: provider,
		idTokens:     provider.VerifierContext(keyCtx, &oidc.Config{ClientID: clientID}),
		accessTokens: provider.VerifierContext(keyCtx, &oidc.Config{SkipClientIDCheck: true}),
		loadedAt:     time.Now(),
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
		for _, to := range m.GroupMap[g] {
			if r, ok := strings.CutPrefix(to, "role:"); ok && Role(r).Valid() {
				roles = append(roles, Role(r))
			} else if g, ok := strings.CutPrefix(to, "group:"); ok && ValidGroupName(g) {
				groups = append(groups, g)
			}
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

// policy is an organization's sign-on policy.
type policy struct {
	emailDomains []string
	stepUp       time.Duration
}

func (p policy) allows(email string) bool {
	if len(p.emailDomains) == 0 {
		return true
	}
	_, domain, _ := strings.Cut(email, "@")
	return slices.Contains(p.emailDomains, strings.ToLower(domain))
}

// provision finds or creates the user of (issuer, subject) and refreshes what the token says of
// them, with the organization's policy. It writes only when something changed, so a request
// costs one round trip. A token without an e-mail (an access token) only finds existing users.
func (a *Authenticator) provision(ctx context.Context, org uuid.UUID, issuer, subject string, claims map[string]any) (*User, policy, error) {
	email, _ := claims["email"].(string)
	email = strings.ToLower(strings.TrimSpace(email))
	name, _ := claims["name"].(string)
	claimRoles, claimGroups := a.mapping.Mapped(claims)

	pol, u, err := policyAndUser(ctx, a.pool, org, issuer, subject)
	if err != nil {
		return nil, pol, err
	}
	if u != nil {
		if u.OrgID != org {
			return nil, pol, apperr.Unauthenticatedf("account belongs to another organization")
		}
		if email == "" {
			return u, pol, nil // an access token says nothing new
		}
	}
	if email == "" || !strings.Contains(email, "@") {
		return nil, pol, apperr.Unauthenticatedf("token has no email claim: sign in once with an ID token")
	}
	if !pol.allows(email) {
		return nil, pol, apperr.Unauthenticatedf("e-mail domain of %s may not sign in to this organization", email)
	}
	if _, ok := claims[a.mapping.GroupsClaim]; !ok && u != nil {
		// No groups claim at all (not an empty one): the provider does not send groups in
		// tokens, so what SCIM group membership gave stays.
		claimRoles, claimGroups = u.ClaimRoles, u.ClaimGroups
	}
	// An e-mail the provider has not verified may be anyone's: it never grants ADMIN nor adopts
	// another account.
	verified, _ := claims["email_verified"].(bool)
	bootstrap := verified && slices.Contains(a.mapping.BootstrapAdmins, email)
	if u != nil && u.Email == email && u.Name == name && slices.Equal(u.ClaimRoles, claimRoles) && slices.Equal(u.ClaimGroups, claimGroups) {
		return u, pol, nil
	}

	var out *User
	err = postgres.WithTx(ctx, a.pool, func(tx pgx.Tx) error {
		assigned := []string{string(RoleEmployee)}
		if bootstrap {
			assigned = append(assigned, string(RoleAdmin))
		}
		if u == nil && verified {
			// A user SCIM created before their first sign-in, under a subject the provider does
			// not use in tokens (Entra ID's pairwise sub): adopt the row by e-mail, once.
			adopted, err := adoptSCIMUser(ctx, tx, org, issuer, email, subject)
			if err != nil {
				return err
			}
			if adopted {
				claimRoles, claimGroups = a.scimClaims(ctx, tx, org, issuer, subject, claims, claimRoles, claimGroups)
			} else {
				// The organization moved to another identity provider (the old one is no longer
				// configured, so disabled): its people keep their accounts, adopted by e-mail.
				if err := adoptFromDisabledProvider(ctx, tx, org, issuer, email, subject); err != nil {
					return err
				}
			}
		}
		var inserted bool
		var err error
		out, inserted, err = upsertUser(ctx, tx, org, issuer, subject, email, name, claimRoles, claimGroups, assigned)
		if err != nil {
			return err
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
		return nil, pol, apperr.Unauthenticatedf("another account of this organization already uses %s", email)
	}
	if err != nil {
		return nil, pol, fmt.Errorf("provision user: %w", err)
	}
	return out, pol, nil
}

// scimClaims keeps the claim roles and groups SCIM gave an adopted user when the token carries
// no groups claim.
func (a *Authenticator) scimClaims(ctx context.Context, tx pgx.Tx, org uuid.UUID, issuer, subject string, claims map[string]any, roles []Role, groups []string) ([]Role, []string) {
	if _, ok := claims[a.mapping.GroupsClaim]; ok {
		return roles, groups
	}
	u, err := userBySubject(ctx, tx, org, issuer, subject)
	if err != nil {
		return roles, groups
	}
	return u.ClaimRoles, u.ClaimGroups
}

// Provider is an identity provider registration: the organization it signs users into.
type Provider struct {
	OrgSlug  string
	OrgName  string
	Issuer   string
	ClientID string
	Audience string // JWT access tokens with this audience are accepted too; "" for none
}

// RegisterProvider makes sure organization slug exists and that issuer signs users into it.
func RegisterProvider(ctx context.Context, db postgres.DB, slug, orgName, issuer, clientID string) (uuid.UUID, error) {
	return Register(ctx, db, Provider{OrgSlug: slug, OrgName: orgName, Issuer: issuer, ClientID: clientID})
}

// Register makes sure p's organization exists and that p's issuer signs users into it, enabled
// again if it was disabled. An issuer already registered to another organization is refused.
func Register(ctx context.Context, db postgres.DB, p Provider) (uuid.UUID, error) {
	org, err := upsertOrganization(ctx, db, p.OrgSlug, p.OrgName)
	if err != nil {
		return uuid.Nil, fmt.Errorf("register organization %s: %w", p.OrgSlug, err)
	}
	registered, err := upsertProvider(ctx, db, org, p)
	if err != nil {
		return uuid.Nil, fmt.Errorf("register identity provider %s: %w", p.Issuer, err)
	}
	if !registered {
		return uuid.Nil, fmt.Errorf("issuer %s already signs users into another organization", p.Issuer)
	}
	return org, nil
}
