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

// UsersByID returns the users of org among ids, keyed by id (for dataloaders).
func (s *Users) ByIDs(ctx context.Context, org uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]*User, error) {
	return usersByIDs(ctx, s.pool, org, ids)
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
	return listUsers(ctx, s.pool, p.OrgID, f, after, limit)
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
		before, err := lockUser(ctx, tx, p.OrgID, id)
		if err != nil {
			return err
		}
		out, err = setUserRoles(ctx, tx, p.OrgID, id, roles, groups)
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
		out, err = setUserActive(ctx, tx, p.OrgID, id, active)
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
