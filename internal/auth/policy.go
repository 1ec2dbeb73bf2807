package auth

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"clearpost/internal/apperr"
	"clearpost/internal/postgres"

	"github.com/jackc/pgx/v5"
)

// SignOnPolicy is an organization's rules for signing in.
type SignOnPolicy struct {
	// EmailDomains may sign in; empty: any domain the identity provider vouches for.
	EmailDomains []string
	// StepUpMinutes, when set, is how recent a sign-in must be to approve or reject a post.
	StepUpMinutes *int
}

var domainPattern = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

// SignOnPolicy returns the caller's organization's policy (admins).
func (s *Users) SignOnPolicy(ctx context.Context) (*SignOnPolicy, error) {
	p, err := Require(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	return signOnPolicy(ctx, s.pool, p.OrgID)
}

// SetSignOnPolicy replaces the caller's organization's policy (admins). An admin cannot exclude
// their own e-mail domain.
func (s *Users) SetSignOnPolicy(ctx context.Context, in SignOnPolicy) (*SignOnPolicy, error) {
	p, err := Require(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	var problems apperr.Problems
	domains := make([]string, 0, len(in.EmailDomains))
	for i, d := range in.EmailDomains {
		d = strings.ToLower(strings.TrimSpace(d))
		if !domainPattern.MatchString(d) || len(d) > 253 {
			problems.Add(fmt.Sprintf("emailDomains[%d]", i), "%q is not a domain name such as example.com", d)
		}
		domains = append(domains, d)
	}
	if len(domains) > 100 {
		problems.Add("emailDomains", "has %d domains; at most 100 are allowed", len(domains))
	}
	if m := in.StepUpMinutes; m != nil && (*m < 1 || *m > 24*60) {
		problems.Add("stepUpMinutes", "must be between 1 and 1440 minutes, or null for no step-up")
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	slices.Sort(domains)
	domains = slices.Compact(domains)
	if len(domains) > 0 && !(policy{emailDomains: domains}).allows(p.Email) {
		return nil, apperr.Invalidf("emailDomains", "must include your own domain, or you would lock yourself out")
	}
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		before, err := lockPolicy(ctx, tx, p.OrgID)
		if err != nil {
			return err
		}
		if err := setPolicy(ctx, tx, p.OrgID, domains, in.StepUpMinutes); err != nil {
			return err
		}
		return p.Record(ctx, tx, "sign_on_policy.updated", "organization", p.OrgID.String(), map[string]any{
			"before": map[string]any{"email_domains": before.emailDomains, "step_up_minutes": before.stepUp.Minutes()},
			"after":  map[string]any{"email_domains": domains, "step_up_minutes": in.StepUpMinutes},
		})
	})
	if err != nil {
		return nil, fmt.Errorf("set sign-on policy: %w", err)
	}
	return &SignOnPolicy{EmailDomains: domains, StepUpMinutes: in.StepUpMinutes}, nil
}
