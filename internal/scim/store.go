package scim

import (
	"context"
	"fmt"

	"clearpost/internal/apperr"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// The SCIM server's SQL, and the small functions that run it.

const userColumns = `id, coalesce(scim_user_name, email), scim_external_id, email, name, scim_given_name,
	scim_family_name, department, active, created_at, updated_at`

func scanUser(row pgx.Row) (*user, error) {
	var u user
	err := row.Scan(&u.ID, &u.UserName, &u.ExternalID, &u.Email, &u.Name, &u.GivenName, &u.FamilyName,
		&u.Department, &u.Active, &u.CreatedAt, &u.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// firstIssuer returns the issuer of org's first identity provider.
func firstIssuer(ctx context.Context, tx pgx.Tx, org uuid.UUID) (string, error) {
	var issuer string
	err := tx.QueryRow(ctx, `SELECT issuer FROM identity_providers WHERE org_id = $1 ORDER BY created_at, id LIMIT 1`, org).Scan(&issuer)
	return issuer, err
}

// userMatch is a user whose userName or e-mail address a new user's takes.
type userMatch struct {
	ID      uuid.UUID
	Deleted bool
}

// lockUserMatches locks and returns the users of org, deleted or not, whose userName or e-mail
// address is userName or email.
func lockUserMatches(ctx context.Context, tx pgx.Tx, org uuid.UUID, userName, email string) ([]userMatch, error) {
	rows, err := tx.Query(ctx, `SELECT id, scim_deleted_at IS NOT NULL FROM users
		WHERE org_id = $1 AND (lower(coalesce(scim_user_name, email)) = lower($2) OR lower(email) = lower($2) OR lower(email) = $3)
		FOR NO KEY UPDATE`, org, userName, email)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[userMatch])
}

// reviveUser brings back deleted user id of org as u.
func reviveUser(ctx context.Context, tx pgx.Tx, org, id uuid.UUID, issuer, subject string, u *user) (*user, error) {
	return scanUser(tx.QueryRow(ctx, `UPDATE users SET issuer = $3, subject = $4, scim_user_name = $5,
			scim_external_id = $6, email = $7, name = $8, scim_given_name = $9, scim_family_name = $10,
			department = $11, active = $12, scim_deleted_at = NULL, updated_at = now()
		WHERE org_id = $1 AND id = $2
		RETURNING `+userColumns,
		org, id, issuer, subject, u.UserName, u.ExternalID, u.Email, u.Name, u.GivenName,
		u.FamilyName, u.Department, u.Active))
}

// insertUserRow stores u as a new user of org with roles.
func insertUserRow(ctx context.Context, tx pgx.Tx, org uuid.UUID, issuer, subject string, u *user, roles []string) (*user, error) {
	return scanUser(tx.QueryRow(ctx, `INSERT INTO users (org_id, issuer, subject, scim_user_name,
			scim_external_id, email, name, scim_given_name, scim_family_name, department, active, roles,
			sessions_revoked_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, CASE WHEN $11 THEN NULL ELSE now() END)
		RETURNING `+userColumns,
		org, issuer, subject, u.UserName, u.ExternalID, u.Email, u.Name, u.GivenName, u.FamilyName,
		u.Department, u.Active, roles))
}

const (
	selectUser = `SELECT ` + userColumns + ` FROM users WHERE org_id = $1 AND id = $2 AND scim_deleted_at IS NULL`
	lockUser   = selectUser + ` FOR NO KEY UPDATE`
)

// loadUser reads user id of org, not deleted by SCIM; lock locks the row for an update.
func (s *Server) loadUser(ctx context.Context, db postgres.DB, org, id uuid.UUID, lock bool) (*user, error) {
	q := selectUser
	if lock {
		q = lockUser
	}
	u, err := scanUser(db.QueryRow(ctx, q, org, id))
	if postgres.NoRows(err) {
		return nil, notFound("user %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("load user %s: %w", id, err)
	}
	return u, nil
}

// eachUserGroup calls f with each group of those of users (ids) of org, by display name.
func eachUserGroup(ctx context.Context, db postgres.DB, org uuid.UUID, ids []uuid.UUID, f func(user uuid.UUID, g ref)) error {
	rows, err := db.Query(ctx, `SELECT m.user_id, g.id, g.display_name
		FROM scim_group_members m JOIN scim_groups g ON g.id = m.group_id
		WHERE m.org_id = $1 AND m.user_id = ANY($2)
		ORDER BY g.display_name, g.id`, org, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var uid uuid.UUID
		var g ref
		if err := rows.Scan(&uid, &g.ID, &g.Display); err != nil {
			return err
		}
		f(uid, g)
	}
	return rows.Err()
}

// userWhere is the users a userQuery asks for: $1 the organization, then the query's id,
// userName, externalID, email and active, each NULL to match any.
const userWhere = ` FROM users WHERE org_id = $1 AND scim_deleted_at IS NULL
	AND ($2::uuid IS NULL OR id = $2)
	AND ($3::text IS NULL OR lower(coalesce(scim_user_name, email)) = lower($3))
	AND ($4::text IS NULL OR scim_external_id = $4)
	AND ($5::text IS NULL OR lower(email) = lower($5))
	AND ($6::boolean IS NULL OR active = $6)`

const (
	countUsersWhere  = `SELECT count(*)` + userWhere
	selectUsersWhere = `SELECT ` + userColumns + userWhere + ` ORDER BY created_at, id OFFSET $7 LIMIT $8`
)

func (q userQuery) args(org uuid.UUID) []any {
	return []any{org, q.id, q.userName, q.externalID, q.email, q.active}
}

// countUsers counts the users of org that q asks for.
func countUsers(ctx context.Context, db postgres.DB, org uuid.UUID, q userQuery) (int, error) {
	var total int
	err := db.QueryRow(ctx, countUsersWhere, q.args(org)...).Scan(&total)
	return total, err
}

// findUsers returns the users of org that q asks for, oldest first, skipping offset and at most limit.
func findUsers(ctx context.Context, db postgres.DB, org uuid.UUID, q userQuery, offset, limit int) ([]*user, error) {
	rows, err := db.Query(ctx, selectUsersWhere, append(q.args(org), offset, limit)...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*user, error) { return scanUser(row) })
}

// nameTaken reports whether a user of org other than id has userName or email as their userName
// or e-mail address.
func nameTaken(ctx context.Context, tx pgx.Tx, org, id uuid.UUID, userName, email string) (bool, error) {
	var taken bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE org_id = $1 AND id <> $2
		AND (lower(coalesce(scim_user_name, email)) = lower($3) OR lower(email) = lower($3) OR lower(email) = $4))`,
		org, id, userName, email).Scan(&taken)
	return taken, err
}

// updateUserRow writes next over user id of org; deactivated revokes their sessions too.
func updateUserRow(ctx context.Context, tx pgx.Tx, org, id uuid.UUID, next *user, deactivated bool) (*user, error) {
	return scanUser(tx.QueryRow(ctx, `UPDATE users SET scim_user_name = $3, scim_external_id = $4, email = $5,
			name = $6, scim_given_name = $7, scim_family_name = $8, department = $9, active = $10,
			sessions_revoked_at = CASE WHEN $11 THEN now() ELSE sessions_revoked_at END, updated_at = now()
		WHERE org_id = $1 AND id = $2
		RETURNING `+userColumns,
		org, id, next.UserName, next.ExternalID, next.Email, next.Name, next.GivenName, next.FamilyName,
		next.Department, next.Active, deactivated))
}

// leaveAllGroups takes user id of org out of every group and returns the groups it left.
func leaveAllGroups(ctx context.Context, tx pgx.Tx, org, id uuid.UUID) ([]uuid.UUID, error) {
	rows, err := tx.Query(ctx, `DELETE FROM scim_group_members WHERE org_id = $1 AND user_id = $2 RETURNING group_id`, org, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// markUserDeleted deactivates user id of org, ending their sessions, and hides them from SCIM.
func markUserDeleted(ctx context.Context, tx pgx.Tx, org, id uuid.UUID) error {
	_, err := tx.Exec(ctx, `UPDATE users SET active = false, scim_deleted_at = now(), updated_at = now(),
			sessions_revoked_at = CASE WHEN active THEN now() ELSE sessions_revoked_at END
		WHERE org_id = $1 AND id = $2`, org, id)
	return err
}

const groupColumns = `id, display_name, external_id, created_at, updated_at`

func scanGroup(row pgx.Row) (*group, error) {
	var g group
	if err := row.Scan(&g.ID, &g.DisplayName, &g.ExternalID, &g.CreatedAt, &g.UpdatedAt); err != nil {
		return nil, err
	}
	return &g, nil
}

func insertGroup(ctx context.Context, tx pgx.Tx, org uuid.UUID, g *group) (*group, error) {
	return scanGroup(tx.QueryRow(ctx, `INSERT INTO scim_groups (org_id, display_name, external_id)
		VALUES ($1, $2, $3) RETURNING `+groupColumns, org, g.DisplayName, g.ExternalID))
}

func updateGroupRow(ctx context.Context, tx pgx.Tx, org, id uuid.UUID, g *group) (*group, error) {
	return scanGroup(tx.QueryRow(ctx, `UPDATE scim_groups SET display_name = $3, external_id = $4, updated_at = now()
		WHERE org_id = $1 AND id = $2 RETURNING `+groupColumns, org, id, g.DisplayName, g.ExternalID))
}

func deleteGroupRow(ctx context.Context, tx pgx.Tx, org, id uuid.UUID) error {
	_, err := tx.Exec(ctx, `DELETE FROM scim_groups WHERE org_id = $1 AND id = $2`, org, id)
	return err
}

const (
	selectGroup = `SELECT ` + groupColumns + ` FROM scim_groups WHERE org_id = $1 AND id = $2`
	lockGroup   = selectGroup + ` FOR UPDATE`
)

// loadGroup reads group id of org; lock locks it for an update.
func loadGroup(ctx context.Context, db postgres.DB, org, id uuid.UUID, lock bool) (*group, error) {
	q := selectGroup
	if lock {
		q = lockGroup
	}
	g, err := scanGroup(db.QueryRow(ctx, q, org, id))
	if postgres.NoRows(err) {
		return nil, notFound("group %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("load group %s: %w", id, err)
	}
	return g, nil
}

// loadMembersOf returns the members of groups, by group.
func loadMembersOf(ctx context.Context, db postgres.DB, org uuid.UUID, groups []uuid.UUID) (map[uuid.UUID][]ref, error) {
	rows, err := db.Query(ctx, `SELECT m.group_id, u.id, CASE WHEN u.name <> '' THEN u.name ELSE u.email END
		FROM scim_group_members m JOIN users u ON u.id = m.user_id
		WHERE m.org_id = $1 AND m.group_id = ANY($2)
		ORDER BY u.email, u.id`, org, groups)
	if err != nil {
		return nil, fmt.Errorf("group members: %w", err)
	}
	out := map[uuid.UUID][]ref{}
	var gid uuid.UUID
	var m ref
	_, err = pgx.ForEachRow(rows, []any{&gid, &m.ID, &m.Display}, func() error {
		out[gid] = append(out[gid], m)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("group members: %w", err)
	}
	return out, nil
}

// memberIDs returns the ids of the members of group.
func memberIDs(ctx context.Context, tx pgx.Tx, org, group uuid.UUID) ([]uuid.UUID, error) {
	rows, err := tx.Query(ctx, `SELECT user_id FROM scim_group_members WHERE org_id = $1 AND group_id = $2`, org, group)
	if err != nil {
		return nil, fmt.Errorf("group members: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("group members: %w", err)
	}
	return ids, nil
}

// groupWhere is the groups a groupQuery asks for: $1 the organization, then the query's id,
// displayName, externalID and member, each NULL to match any.
const groupWhere = ` FROM scim_groups g WHERE g.org_id = $1
	AND ($2::uuid IS NULL OR g.id = $2)
	AND ($3::text IS NULL OR lower(g.display_name) = lower($3))
	AND ($4::text IS NULL OR g.external_id = $4)
	AND ($5::uuid IS NULL OR EXISTS (SELECT 1 FROM scim_group_members m WHERE m.group_id = g.id AND m.user_id = $5))`

const (
	countGroupsWhere  = `SELECT count(*)` + groupWhere
	selectGroupsWhere = `SELECT ` + groupColumns + groupWhere + ` ORDER BY g.created_at, g.id OFFSET $6 LIMIT $7`
)

func (q groupQuery) args(org uuid.UUID) []any {
	return []any{org, q.id, q.displayName, q.externalID, q.member}
}

// countGroups counts the groups of org that q asks for.
func countGroups(ctx context.Context, db postgres.DB, org uuid.UUID, q groupQuery) (int, error) {
	var total int
	err := db.QueryRow(ctx, countGroupsWhere, q.args(org)...).Scan(&total)
	return total, err
}

// findGroups returns the groups of org that q asks for, oldest first, skipping offset and at most limit.
func findGroups(ctx context.Context, db postgres.DB, org uuid.UUID, q groupQuery, offset, limit int) ([]*group, error) {
	rows, err := db.Query(ctx, selectGroupsWhere, append(q.args(org), offset, limit)...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*group, error) { return scanGroup(row) })
}

// liveUsers returns which of ids are users of org that SCIM has not deleted.
func liveUsers(ctx context.Context, tx pgx.Tx, org uuid.UUID, ids []uuid.UUID) ([]uuid.UUID, error) {
	rows, err := tx.Query(ctx, `SELECT id FROM users WHERE org_id = $1 AND id = ANY($2) AND scim_deleted_at IS NULL`, org, ids)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

func addMembers(ctx context.Context, tx pgx.Tx, org, group uuid.UUID, users []uuid.UUID) error {
	_, err := tx.Exec(ctx, `INSERT INTO scim_group_members (org_id, group_id, user_id)
		SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING`, org, group, users)
	return err
}

func removeMembers(ctx context.Context, tx pgx.Tx, org, group uuid.UUID, users []uuid.UUID) error {
	_, err := tx.Exec(ctx, `DELETE FROM scim_group_members WHERE org_id = $1 AND group_id = $2 AND user_id = ANY($3)`, org, group, users)
	return err
}

// userClaims are a user's claim roles and groups as stored.
type userClaims struct {
	ID     uuid.UUID
	Roles  []string
	Groups []string
}

// lockUserClaims locks users ids of org in id order and returns their claims.
func lockUserClaims(ctx context.Context, tx pgx.Tx, org uuid.UUID, ids []uuid.UUID) ([]userClaims, error) {
	rows, err := tx.Query(ctx, `SELECT id, claim_roles, claim_groups FROM users
		WHERE org_id = $1 AND id = ANY($2) ORDER BY id FOR NO KEY UPDATE`, org, ids)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[userClaims])
}

// groupNamesOf returns the display names of the groups of users ids of org, by user.
func groupNamesOf(ctx context.Context, tx pgx.Tx, org uuid.UUID, ids []uuid.UUID) (map[uuid.UUID][]any, error) {
	rows, err := tx.Query(ctx, `SELECT m.user_id, g.display_name
		FROM scim_group_members m JOIN scim_groups g ON g.id = m.group_id
		WHERE m.org_id = $1 AND m.user_id = ANY($2)`, org, ids)
	if err != nil {
		return nil, err
	}
	names := map[uuid.UUID][]any{}
	var uid uuid.UUID
	var name string
	_, err = pgx.ForEachRow(rows, []any{&uid, &name}, func() error {
		names[uid] = append(names[uid], name)
		return nil
	})
	return names, err
}

// setClaims writes the claims of users of org, in one round trip.
func setClaims(ctx context.Context, tx pgx.Tx, org uuid.UUID, changes []claimsChange) error {
	if len(changes) == 0 {
		return nil
	}
	var batch pgx.Batch
	for _, c := range changes {
		batch.Queue(`UPDATE users SET claim_roles = $3, claim_groups = $4, updated_at = now() WHERE org_id = $1 AND id = $2`,
			org, c.UserID, c.After.Roles, c.After.Groups)
	}
	return tx.SendBatch(ctx, &batch).Close()
}

// insertToken stores the hash of a new token of org and returns its id. An organization that does
// not exist is NotFound.
func insertToken(ctx context.Context, tx pgx.Tx, org uuid.UUID, hash []byte) (uuid.UUID, error) {
	var id uuid.UUID
	err := tx.QueryRow(ctx, `INSERT INTO scim_tokens (org_id, token_hash) VALUES ($1, $2) RETURNING id`, org, hash).Scan(&id)
	if postgres.IsViolation(err, postgres.ForeignKeyViolation, "") {
		return uuid.Nil, apperr.NotFoundf("organization %s not found", org)
	}
	return id, err
}

// deleteTokens deletes every token of org and returns their ids.
func deleteTokens(ctx context.Context, tx pgx.Tx, org uuid.UUID) ([]uuid.UUID, error) {
	rows, err := tx.Query(ctx, `DELETE FROM scim_tokens WHERE org_id = $1 RETURNING id`, org)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// tokenClient returns the client of the token with hash, and whether its last use is more than a
// minute old.
func tokenClient(ctx context.Context, db postgres.DB, hash []byte) (client, bool, error) {
	var c client
	var stale bool
	err := db.QueryRow(ctx, `SELECT id, org_id, last_used_at IS NULL OR last_used_at < now() - interval '1 minute'
		FROM scim_tokens WHERE token_hash = $1`, hash).Scan(&c.tokenID, &c.orgID, &stale)
	return c, stale, err
}

func touchToken(ctx context.Context, db postgres.DB, id uuid.UUID) error {
	_, err := db.Exec(ctx, `UPDATE scim_tokens SET last_used_at = now() WHERE id = $1`, id)
	return err
}
