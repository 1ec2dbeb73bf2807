package auth

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// User is a person of an organization. Their effective roles and groups are the union of what the
// identity provider's claim maps to (refreshed at every sign-in) and what an admin assigned
// (never touched by sign-in): the two never overwrite each other.
type User struct {
	ID             uuid.UUID
	OrgID          uuid.UUID
	Issuer         string
	Subject        string
	Email          string
	Name           string
	ClaimRoles     []Role
	ClaimGroups    []string
	AssignedRoles  []Role
	AssignedGroups []string
	Department     string
	Region         string
	Active         bool
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Roles returns the effective roles: claim ∪ assigned.
func (u *User) Roles() []Role { return union(u.ClaimRoles, u.AssignedRoles) }

// Groups returns the effective reviewer groups: claim ∪ assigned.
func (u *User) Groups() []string { return union(u.ClaimGroups, u.AssignedGroups) }

// Principal returns u as the caller of a request.
func (u *User) Principal() *Principal {
	return &Principal{UserID: u.ID, OrgID: u.OrgID, Email: u.Email, Name: u.Name, Roles: u.Roles(), Groups: u.Groups(),
		Department: u.Department, Region: u.Region}
}

func union[T ~string](a, b []T) []T {
	out := make([]T, 0, len(a)+len(b))
	out = append(append(out, a...), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

const userColumns = `id, org_id, issuer, subject, email, name, claim_roles, claim_groups, roles, groups,
	department, region, active, created_at, updated_at`

func scanUser(row pgx.Row) (*User, error) { return scanUserWith(row) }

func toRoles(s []string) []Role {
	out := make([]Role, len(s))
	for i, r := range s {
		out[i] = Role(r)
	}
	return out
}

// Users is the user directory of every organization.
type Users struct {
	pool *pgxpool.Pool
}

// NewUsers returns the directory on pool.
func NewUsers(pool *pgxpool.Pool) *Users { return &Users{pool: pool} }

// Get returns a user of the caller's organization.
func (s *Users) Get(ctx context.Context, id uuid.UUID) (*User, error) {
	p, err := Require(ctx)
	if err != nil {
		return nil, err
	}
	return GetUser(ctx, s.pool, p.OrgID, id)
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

// UsersByID returns the users of org among ids, keyed by id (for dataloaders).
func (s *Users) ByIDs(ctx context.Context, org uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]*User, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users WHERE org_id = $1 AND id = ANY($2)`, org, ids)
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

// UserFilter narrows List.
type UserFilter struct {
	Query string // matches e-mail or name, case-insensitive
	Role  Role
	Group string
}

// UserCursor is the keyset position of a user in List's order (e-mail, id).
type UserCursor struct {
	Email string    `json:"e"`
	ID    uuid.UUID `json:"i"`
}

// List returns up to limit users of the caller's organization after cursor, ordered by e-mail
// (admins and marketers; others meet users through the posts they can see).
func (s *Users) List(ctx context.Context, f UserFilter, after *UserCursor, limit int) ([]*User, error) {
	p, err := Require(ctx, RoleAdmin, RoleMarketer)
	if err != nil {
		return nil, err
	}
	if f.Role != "" && !f.Role.Valid() {
		return nil, apperr.Invalidf("filter.role", "%q is not a role", f.Role)
	}
	var afterEmail string
	var afterID uuid.UUID
	if after != nil {
		afterEmail, afterID = after.Email, after.ID
	}
	rows, err := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users
		WHERE org_id = $1
		  AND ($2 = '' OR lower(email) LIKE '%' || lower($2) || '%' OR lower(name) LIKE '%' || lower($2) || '%')
		  AND ($3 = '' OR $3 = ANY(claim_roles) OR $3 = ANY(roles))
		  AND ($4 = '' OR $4 = ANY(claim_groups) OR $4 = ANY(groups))
		  AND (NOT $5 OR (lower(email), id) > (lower($6), $7))
		ORDER BY lower(email), id
		LIMIT $8`,
		p.OrgID, escapeLike(f.Query), string(f.Role), f.Group, after != nil, afterEmail, afterID, limit)
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

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

var groupName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// ValidGroupName reports whether g is a well-formed reviewer group name.
func ValidGroupName(g string) bool { return groupName.MatchString(g) }

// SetRoles replaces the roles and groups an admin assigned to a user; claim-derived roles are
// untouched. An admin cannot remove their own ADMIN role (so an organization keeps one).
func (s *Users) SetRoles(ctx context.Context, id uuid.UUID, roles []Role, groups []string) (*User, error) {
	p, err := Require(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	var problems apperr.Problems
	for i, r := range roles {
		if !r.Valid() {
			problems.Add(fmt.Sprintf("roles[%d]", i), "%q is not a role (ADMIN, MARKETER, REVIEWER, EMPLOYEE)", r)
		}
	}
	for i, g := range groups {
		if !ValidGroupName(g) {
			problems.Add(fmt.Sprintf("groups[%d]", i), "%q is not a group name (lower-case letters, digits, - and _)", g)
		}
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	if id == p.UserID && !slices.Contains(roles, RoleAdmin) {
		return nil, apperr.Invalidf("roles", "you cannot remove your own ADMIN role")
	}
	roles, groups = union(roles, nil), union(groups, nil)
	var out *User
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		before, err := scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE org_id = $1 AND id = $2 FOR UPDATE`, p.OrgID, id))
		if postgres.NoRows(err) {
			return apperr.NotFoundf("user %s not found", id)
		}
		if err != nil {
			return err
		}
		out, err = scanUser(tx.QueryRow(ctx, `UPDATE users SET roles = $3, groups = $4, updated_at = now()
			WHERE org_id = $1 AND id = $2 RETURNING `+userColumns, p.OrgID, id, roles, groups))
		if err != nil {
			return err
		}
		return p.Record(ctx, tx, "user.roles_set", "user", id.String(), map[string]any{
			"email":  before.Email,
			"before": map[string]any{"roles": before.AssignedRoles, "groups": before.AssignedGroups},
			"after":  map[string]any{"roles": roles, "groups": groups},
		})
	})
	if err != nil {
		return nil, fmt.Errorf("set roles of user %s: %w", id, err)
	}
	return out, nil
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

// SetActive activates or deactivates a user (admins). Deactivation ends every session of theirs
// at once; their bearer tokens are refused from the next request.
func (s *Users) SetActive(ctx context.Context, id uuid.UUID, active bool) (*User, error) {
	p, err := Require(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if id == p.UserID && !active {
		return nil, apperr.Invalidf("active", "you cannot deactivate yourself")
	}
	var out *User
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		out, err = scanUser(tx.QueryRow(ctx, `UPDATE users SET active = $3, updated_at = now(),
				sessions_revoked_at = CASE WHEN $3 THEN sessions_revoked_at ELSE now() END
			WHERE org_id = $1 AND id = $2 RETURNING `+userColumns, p.OrgID, id, active))
		if postgres.NoRows(err) {
			return apperr.NotFoundf("user %s not found", id)
		}
		if err != nil {
			return err
		}
		action := "user.activated"
		if !active {
			action = "user.deactivated"
		}
		return p.Record(ctx, tx, action, "user", id.String(), map[string]any{"email": out.Email})
	})
	if err != nil {
		return nil, fmt.Errorf("set user %s active=%t: %w", id, active, err)
	}
	return out, nil
}
