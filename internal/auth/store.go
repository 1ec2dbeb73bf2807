package auth

import (
	"context"
	"fmt"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// The user directory's and sign-in's SQL, and the small functions that run it.

const userColumns = `id, org_id, issuer, subject, email, name, claim_roles, claim_groups, roles, groups,
	department, region, active, created_at, updated_at`

func scanUser(row pgx.Row) (*User, error) { return scanUserWith(row) }

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

// GetUser returns user id of organization org.
func GetUser(ctx context.Context, db postgres.DB, org, id uuid.UUID) (*User, error) {
	u, err := scanUser(db.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE org_id = $1 AND id = $2`, org, id))
	if postgres.NoRows(err) {
		return nil, apperr.NotFoundf("user %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get user %s: %w", id, err)
	}
	return u, nil
}

func usersByIDs(ctx context.Context, db postgres.DB, org uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]*User, error) {
	rows, err := db.Query(ctx, `SELECT `+userColumns+` FROM users WHERE org_id = $1 AND id = ANY($2)`, org, ids)
	if err != nil {
		return nil, fmt.Errorf("users by id: %w", err)
	}
	defer rows.Close()
	out := make(map[uuid.UUID]*User, len(ids))
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("users by id: %w", err)
		}
		out[u.ID] = u
	}
	return out, rows.Err()
}

// listUsers returns up to limit users of org matching f after cursor, ordered by e-mail.
func listUsers(ctx context.Context, db postgres.DB, org uuid.UUID, f UserFilter, after *UserCursor, limit int) ([]*User, error) {
	var afterEmail string
	var afterID uuid.UUID
	if after != nil {
		afterEmail, afterID = after.Email, after.ID
	}
	rows, err := db.Query(ctx, `SELECT `+userColumns+` FROM users
		WHERE org_id = $1
		  AND ($2 = '' OR lower(email) LIKE '%' || lower($2) || '%' OR lower(name) LIKE '%' || lower($2) || '%')
		  AND ($3 = '' OR $3 = ANY(claim_roles) OR $3 = ANY(roles))
		  AND ($4 = '' OR $4 = ANY(claim_groups) OR $4 = ANY(groups))
		  AND (NOT $5 OR (lower(email), id) > (lower($6), $7))
		ORDER BY lower(email), id
		LIMIT $8`,
		org, escapeLike(f.Query), string(f.Role), f.Group, after != nil, afterEmail, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// lockUser reads user id of org, locked for the rest of the transaction.
func lockUser(ctx context.Context, tx pgx.Tx, org, id uuid.UUID) (*User, error) {
	u, err := scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE org_id = $1 AND id = $2 FOR UPDATE`, org, id))
	if postgres.NoRows(err) {
		return nil, apperr.NotFoundf("user %s not found", id)
	}
	return u, err
}

func setUserRoles(ctx context.Context, tx pgx.Tx, org, id uuid.UUID, roles []Role, groups []string) (*User, error) {
	return scanUser(tx.QueryRow(ctx, `UPDATE users SET roles = $3, groups = $4, updated_at = now()
		WHERE org_id = $1 AND id = $2 RETURNING `+userColumns, org, id, roles, groups))
}

// setUserActive activates or deactivates user id of org; deactivating revokes their sessions.
func setUserActive(ctx context.Context, tx pgx.Tx, org, id uuid.UUID, active bool) (*User, error) {
	u, err := scanUser(tx.QueryRow(ctx, `UPDATE users SET active = $3, updated_at = now(),
			sessions_revoked_at = CASE WHEN $3 THEN sessions_revoked_at ELSE now() END
		WHERE org_id = $1 AND id = $2 RETURNING `+userColumns, org, id, active))
	if postgres.NoRows(err) {
		return nil, apperr.NotFoundf("user %s not found", id)
	}
	return u, err
}

// MembersOf counts the active reviewers of org in each group, leaving out the users in except
// (the post's authors): who can sign off for the group.
func MembersOf(ctx context.Context, db postgres.DB, org uuid.UUID, groups []string, except []uuid.UUID) (map[string]int, error) {
	rows, err := db.Query(ctx, `SELECT g, count(DISTINCT id) FROM users, unnest(claim_groups || groups) AS g
		WHERE org_id = $1 AND active AND 'REVIEWER' = ANY(claim_roles || roles) AND id <> ALL($3) AND g = ANY($2)
		GROUP BY g`, org, groups, except)
	if err != nil {
		return nil, fmt.Errorf("group members: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var g string
		var n int
		if err := rows.Scan(&g, &n); err != nil {
			return nil, err
		}
		out[g] = n
	}
	return out, rows.Err()
}

const policyQuery = `SELECT email_domains, step_up_minutes FROM organizations WHERE id = $1`

func scanPolicy(row pgx.Row) (policy, error) {
	var p policy
	var minutes *int
	if err := row.Scan(&p.emailDomains, &minutes); err != nil {
		return p, fmt.Errorf("sign-on policy: %w", err)
	}
	if minutes != nil {
		p.stepUp = time.Duration(*minutes) * time.Minute
	}
	return p, nil
}

const lockPolicyQuery = policyQuery + ` FOR UPDATE`

// signOnPolicy returns org's policy as a client sees it.
func signOnPolicy(ctx context.Context, db postgres.DB, org uuid.UUID) (*SignOnPolicy, error) {
	var out SignOnPolicy
	if err := db.QueryRow(ctx, policyQuery, org).Scan(&out.EmailDomains, &out.StepUpMinutes); err != nil {
		return nil, fmt.Errorf("sign-on policy: %w", err)
	}
	return &out, nil
}

// lockPolicy reads org's policy, locked for the rest of the transaction.
func lockPolicy(ctx context.Context, tx pgx.Tx, org uuid.UUID) (policy, error) {
	return scanPolicy(tx.QueryRow(ctx, lockPolicyQuery, org))
}

func setPolicy(ctx context.Context, tx pgx.Tx, org uuid.UUID, domains []string, stepUpMinutes *int) error {
	_, err := tx.Exec(ctx, `UPDATE organizations SET email_domains = $2, step_up_minutes = $3 WHERE id = $1`, org, domains, stepUpMinutes)
	return err
}

// policyAndUser reads org's policy and the user of (issuer, subject), nil if there is none, in
// one round trip.
func policyAndUser(ctx context.Context, db postgres.DB, org uuid.UUID, issuer, subject string) (policy, *User, error) {
	b := &pgx.Batch{}
	b.Queue(policyQuery, org)
	b.Queue(`SELECT `+userColumns+` FROM users WHERE issuer = $1 AND subject = $2`, issuer, subject)
	br := db.SendBatch(ctx, b)
	pol, err := scanPolicy(br.QueryRow())
	if err != nil {
		br.Close()
		return pol, nil, err
	}
	u, err := scanUser(br.QueryRow())
	br.Close()
	if postgres.NoRows(err) {
		return pol, nil, nil
	}
	if err != nil {
		return pol, nil, fmt.Errorf("provision user: %w", err)
	}
	return pol, u, nil
}

// sessionUser reads org's policy and user id, with when their sessions were revoked and whether
// the identity provider that signed them in is still enabled, in one round trip.
func sessionUser(ctx context.Context, db postgres.DB, org, id uuid.UUID) (pol policy, u *User, revoked *time.Time, providerEnabled bool, err error) {
	b := &pgx.Batch{}
	b.Queue(policyQuery, org)
	b.Queue(`SELECT `+userColumns+`, sessions_revoked_at,
			EXISTS (SELECT 1 FROM identity_providers ip WHERE ip.issuer = users.issuer AND ip.disabled_at IS NULL)
		FROM users WHERE org_id = $1 AND id = $2`, org, id)
	br := db.SendBatch(ctx, b)
	defer br.Close()
	pol, err = scanPolicy(br.QueryRow())
	if err != nil {
		return pol, nil, nil, false, err
	}
	u, err = scanUserWith(br.QueryRow(), &revoked, &providerEnabled)
	if postgres.NoRows(err) {
		return pol, nil, nil, false, apperr.Unauthenticatedf("session user no longer exists: sign in again")
	}
	if err != nil {
		return pol, nil, nil, false, fmt.Errorf("session user: %w", err)
	}
	return pol, u, revoked, providerEnabled, nil
}

// adoptSCIMUser gives subject to the user SCIM created for email under issuer before their first
// sign-in, if there is one. It reports whether there was.
func adoptSCIMUser(ctx context.Context, tx pgx.Tx, org uuid.UUID, issuer, email, subject string) (bool, error) {
	tag, err := tx.Exec(ctx, `UPDATE users SET subject = $4, updated_at = now()
		WHERE org_id = $1 AND issuer = $2 AND lower(email) = $3 AND scim_user_name IS NOT NULL
		  AND scim_deleted_at IS NULL AND subject IN (scim_external_id, scim_user_name)`, org, issuer, email, subject)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// adoptFromDisabledProvider moves the user of org with email, signed in by a disabled identity
// provider, to (issuer, subject).
func adoptFromDisabledProvider(ctx context.Context, tx pgx.Tx, org uuid.UUID, issuer, email, subject string) error {
	_, err := tx.Exec(ctx, `UPDATE users SET issuer = $2, subject = $4, updated_at = now()
		WHERE org_id = $1 AND lower(email) = $3 AND issuer IN (
			SELECT ip.issuer FROM identity_providers ip WHERE ip.org_id = $1 AND ip.disabled_at IS NOT NULL)`,
		org, issuer, email, subject)
	return err
}

// upsertUser inserts the user of (issuer, subject) or refreshes what the token says of them. It
// reports whether the user is new.
func upsertUser(ctx context.Context, tx pgx.Tx, org uuid.UUID, issuer, subject, email, name string, claimRoles []Role, claimGroups, assigned []string) (*User, bool, error) {
	var inserted bool
	u, err := scanUserWith(tx.QueryRow(ctx, `INSERT INTO users (org_id, issuer, subject, email, name, claim_roles, claim_groups, roles)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (issuer, subject) DO UPDATE SET
			email = EXCLUDED.email, name = EXCLUDED.name,
			claim_roles = EXCLUDED.claim_roles, claim_groups = EXCLUDED.claim_groups,
			updated_at = now()
		RETURNING `+userColumns+`, xmax = 0`,
		org, issuer, subject, email, name, claimRoles, claimGroups, assigned), &inserted)
	if err != nil {
		return nil, false, postgres.MapError(err)
	}
	return u, inserted, nil
}

func userBySubject(ctx context.Context, tx pgx.Tx, org uuid.UUID, issuer, subject string) (*User, error) {
	return scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE org_id = $1 AND issuer = $2 AND subject = $3`, org, issuer, subject))
}

// enabledProvider looks up the enabled identity provider of issuer; found is false if there is none.
func enabledProvider(ctx context.Context, db postgres.DB, issuer string) (org uuid.UUID, clientID, audience string, found bool, err error) {
	err = db.QueryRow(ctx, `SELECT org_id, client_id, audience FROM identity_providers
		WHERE issuer = $1 AND disabled_at IS NULL`, issuer).Scan(&org, &clientID, &audience)
	if postgres.NoRows(err) {
		return uuid.Nil, "", "", false, nil
	}
	return org, clientID, audience, err == nil, err
}

// relyingParty finds the enabled identity provider by issuer, or by organization slug, or
// (neither given) the first registered; found is false if there is none.
func relyingParty(ctx context.Context, db postgres.DB, issuer, org string) (rp RelyingParty, found bool, err error) {
	err = db.QueryRow(ctx, `SELECT ip.issuer, ip.client_id FROM identity_providers ip
		JOIN organizations o ON o.id = ip.org_id
		WHERE ip.disabled_at IS NULL AND ($1 = '' OR ip.issuer = $1) AND ($2 = '' OR o.slug = $2)
		ORDER BY ip.created_at, ip.issuer LIMIT 1`, issuer, org).Scan(&rp.Issuer, &rp.ClientID)
	if postgres.NoRows(err) {
		return rp, false, nil
	}
	return rp, err == nil, err
}

// upsertOrganization returns the id of organization slug, created with name if need be.
func upsertOrganization(ctx context.Context, db postgres.DB, slug, name string) (uuid.UUID, error) {
	var org uuid.UUID
	err := db.QueryRow(ctx, `INSERT INTO organizations (slug, name) VALUES ($1, $2)
		ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id`, slug, name).Scan(&org)
	return org, err
}

// upsertProvider registers p's issuer to org, enabled; registered is false if it signs users into
// another organization.
func upsertProvider(ctx context.Context, db postgres.DB, org uuid.UUID, p Provider) (registered bool, err error) {
	var owner uuid.UUID
	err = db.QueryRow(ctx, `INSERT INTO identity_providers (org_id, issuer, client_id, audience) VALUES ($1, $2, $3, $4)
		ON CONFLICT (issuer) DO UPDATE SET client_id = EXCLUDED.client_id, audience = EXCLUDED.audience, disabled_at = NULL
		WHERE identity_providers.org_id = EXCLUDED.org_id
		RETURNING org_id`, org, p.Issuer, p.ClientID, p.Audience).Scan(&owner)
	if postgres.NoRows(err) {
		return false, nil
	}
	return err == nil, err
}

// disabledProvider is an identity provider disableProviders disabled.
type disabledProvider struct {
	org    uuid.UUID
	issuer string
}

// disableProviders disables every enabled identity provider whose issuer is not in keep.
func disableProviders(ctx context.Context, tx pgx.Tx, keep []string) ([]disabledProvider, error) {
	rows, err := tx.Query(ctx, `UPDATE identity_providers SET disabled_at = now()
		WHERE disabled_at IS NULL AND issuer <> ALL($1) RETURNING org_id, issuer`, keep)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []disabledProvider
	for rows.Next() {
		var g disabledProvider
		if err := rows.Scan(&g.org, &g.issuer); err != nil {
			return nil, err
		}
		all = append(all, g)
	}
	return all, rows.Err()
}

// revokeSessionsOf ends the sessions of the users the identity providers of issuers signed in.
func revokeSessionsOf(ctx context.Context, tx pgx.Tx, issuers []string) error {
	_, err := tx.Exec(ctx, `UPDATE users SET sessions_revoked_at = now() WHERE issuer = ANY($1)`, issuers)
	return err
}

// The browser sessions' statements (sessionStore). A token here is the store's, a hash of the
// cookie's. A signed-out token is listed in session_revocations until the session would have ended
// anyway, and is then neither found nor saved again.
const (
	findSessionSQL = `SELECT data FROM sessions WHERE token = $1 AND current_timestamp < expiry
		AND NOT EXISTS (SELECT 1 FROM session_revocations WHERE token = $1)`
	commitSessionSQL = `INSERT INTO sessions (token, data, expiry)
		SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM session_revocations WHERE token = $1)
		ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry`
	// Deleting a session also drops the revocations that have run out.
	deleteSessionSQL = `WITH gone AS (DELETE FROM sessions WHERE token = $1),
		expired AS (DELETE FROM session_revocations WHERE until < current_timestamp)
		INSERT INTO session_revocations (token, until) VALUES ($1, current_timestamp + $2::interval)
		ON CONFLICT (token) DO UPDATE SET until = EXCLUDED.until`
	deleteExpiredSessionsSQL = `DELETE FROM sessions WHERE expiry < current_timestamp`
)
