// Package auth knows who is calling: users and their roles and reviewer groups, provisioning from
// OIDC tokens, and the principal carried by a request's context.
package auth

import (
	"context"
	"fmt"
	"slices"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/audit"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
)

// Role is what a user may do.
type Role string

const (
	RoleAdmin    Role = "ADMIN"
	RoleMarketer Role = "MARKETER"
	RoleReviewer Role = "REVIEWER"
	RoleEmployee Role = "EMPLOYEE"
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleMarketer, RoleReviewer, RoleEmployee}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Principal is the signed-in user of a request.
type Principal struct {
	UserID     uuid.UUID
	OrgID      uuid.UUID
	Email      string
	Name       string
	Roles      []Role
	Groups     []string
	Department string
	Region     string
	// AuthTime is when the user last authenticated at the identity provider (zero: unknown).
	AuthTime time.Time
	// StepUp, when not zero, is how recent AuthTime must be for approvals and rejections.
	StepUp time.Duration
}

// RequireRecentSignIn refuses when the organization requires step-up and the caller signed in
// longer ago than it allows.
func (p *Principal) RequireRecentSignIn(now time.Time) error {
	if p.StepUp == 0 || (!p.AuthTime.IsZero() && now.Sub(p.AuthTime) <= p.StepUp) {
		return nil
	}
	return &apperr.Error{Code: apperr.Forbidden, Reason: apperr.StepUpRequired,
		Message: fmt.Sprintf("step-up required: this decision needs a sign-in within the last %s; sign in again (/auth/login?step_up=1)", p.StepUp)}
}

// RecentSignInUntil returns until when p's sign-in is recent enough for RequireRecentSignIn, and
// false when the organization requires no step-up. An unknown AuthTime is never recent enough.
func (p *Principal) RecentSignInUntil() (time.Time, bool) {
	if p.StepUp == 0 {
		return time.Time{}, false
	}
	if p.AuthTime.IsZero() {
		return time.Unix(0, 0).UTC(), true
	}
	return p.AuthTime.Add(p.StepUp), true
}

// Has reports whether p holds any of roles.
func (p *Principal) Has(roles ...Role) bool {
	for _, r := range roles {
		if slices.Contains(p.Roles, r) {
			return true
		}
	}
	return false
}

// InGroup reports whether p is a member of reviewer group g.
func (p *Principal) InGroup(g string) bool { return slices.Contains(p.Groups, g) }

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal carried by ctx, or nil.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// Require returns the caller, or UNAUTHENTICATED when there is none and FORBIDDEN when the caller
// holds none of roles. With no roles, any signed-in user passes.
func Require(ctx context.Context, roles ...Role) (*Principal, error) {
	p := PrincipalFrom(ctx)
	if p == nil {
		return nil, apperr.Unauthenticatedf("sign in first")
	}
	if len(roles) > 0 && !p.Has(roles...) {
		return nil, apperr.Forbiddenf("this needs one of the roles %v", roles)
	}
	return p, nil
}

// Editors are the roles that write content and arrange boards and routing.
var Editors = []Role{RoleAdmin, RoleMarketer}

// PlanReaders may read a post's publication plan: editors, and reviewers, who judge a post knowing
// when and where it goes out.
var PlanReaders = []Role{RoleAdmin, RoleMarketer, RoleReviewer}

// Record writes an audit event of p's action on a subject through db (the transaction making the
// change).
func (p *Principal) Record(ctx context.Context, db postgres.Execer, action, subjectType, subjectID string, details any) error {
	return audit.Record(ctx, db, audit.Event{
		OrgID: p.OrgID, ActorID: uuid.NullUUID{UUID: p.UserID, Valid: true}, ActorEmail: p.Email,
		Action: action, SubjectType: subjectType, SubjectID: subjectID, Details: details,
	})
}
