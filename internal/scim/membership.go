package scim

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"clearpost/internal/auth"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// claimsChange is how one user's claim roles and groups changed, for the audit log.
type claimsChange struct {
	UserID uuid.UUID `json:"user_id"`
	Before claims    `json:"before"`
	After  claims    `json:"after"`
}

type claims struct {
	Roles  []string `json:"roles"`
	Groups []string `json:"groups"`
}

// setMembers makes the members of group exactly next, given its current members, and returns who
// joined and who left. Every user who joins must be a user of org that SCIM has not deleted.
func setMembers(ctx context.Context, tx pgx.Tx, org, group uuid.UUID, current, next []uuid.UUID) (joined, left []uuid.UUID, err error) {
	joined, left = difference(next, current), difference(current, next)
	if len(joined) > 0 {
		found, err := liveUsers(ctx, tx, org, joined)
		if err != nil {
			return nil, nil, fmt.Errorf("check members: %w", err)
		}
		if missing := difference(joined, found); len(missing) > 0 {
			return nil, nil, invalidValue("members: no user with id %s", missing[0])
		}
		if err := addMembers(ctx, tx, org, group, joined); err != nil {
			return nil, nil, fmt.Errorf("add members: %w", err)
		}
	}
	if len(left) > 0 {
		if err := removeMembers(ctx, tx, org, group, left); err != nil {
			return nil, nil, fmt.Errorf("remove members: %w", err)
		}
	}
	return joined, left, nil
}

// recomputeClaims sets the claim roles and groups of users from the display names of the SCIM
// groups they are members of, through the groups claim mapping, exactly as sign-in maps a token's
// groups claim. Roles and groups an admin assigned are not touched. It returns the users whose
// claims changed.
//
// The users' rows are locked in id order before their memberships are read, so concurrent changes
// to different groups of one user serialize here and the last one sees every membership.
func (s *Server) recomputeClaims(ctx context.Context, tx pgx.Tx, org uuid.UUID, users []uuid.UUID) ([]claimsChange, error) {
	if len(users) == 0 {
		return []claimsChange{}, nil
	}
	ids := slices.Clone(users)
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	ids = slices.Compact(ids)

	cur, err := lockUserClaims(ctx, tx, org, ids)
	if err != nil {
		return nil, fmt.Errorf("lock users: %w", err)
	}

	names, err := groupNamesOf(ctx, tx, org, ids)
	if err != nil {
		return nil, fmt.Errorf("read memberships: %w", err)
	}

	changes := []claimsChange{}
	for _, u := range cur {
		roles, groups := s.mapping.Mapped(map[string]any{s.mapping.GroupsClaim: names[u.ID]})
		after := claims{Roles: roleStrings(roles), Groups: nonNil(groups)}
		before := claims{Roles: nonNil(u.Roles), Groups: nonNil(u.Groups)}
		if slices.Equal(before.Roles, after.Roles) && slices.Equal(before.Groups, after.Groups) {
			continue
		}
		changes = append(changes, claimsChange{UserID: u.ID, Before: before, After: after})
	}
	if err := setClaims(ctx, tx, org, changes); err != nil {
		return nil, fmt.Errorf("update claims: %w", err)
	}
	return changes, nil
}

// difference returns the ids of a that are not in b, in a's order.
func difference(a, b []uuid.UUID) []uuid.UUID {
	in := make(map[uuid.UUID]bool, len(b))
	for _, id := range b {
		in[id] = true
	}
	var out []uuid.UUID
	for _, id := range a {
		if !in[id] {
			out = append(out, id)
		}
	}
	return out
}

func roleStrings(roles []auth.Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}

// nonNil returns s, or an empty slice for nil: the claim columns are NOT NULL.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
