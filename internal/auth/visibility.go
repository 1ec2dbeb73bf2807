package auth

import (
	"context"

	"clearpost/internal/apperr"
)

// MayReadMembership reports whether the caller may read u's roles, reviewer groups, department
// and region: admins may, and so may the user themself. Everyone else sees a user's name and
// e-mail (a post's author, a leaderboard's entries) but not what they may do in Clearpost.
func MayReadMembership(ctx context.Context, u *User) error {
	p, err := Require(ctx)
	if err != nil {
		return err
	}
	if p.UserID == u.ID || p.Has(RoleAdmin) {
		return nil
	}
	return apperr.Forbiddenf("only admins and the user themself see a user's roles, groups, department and region")
}
