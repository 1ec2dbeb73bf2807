// Package seed writes the demo organization: users, a default workflow, routing rules, classifier
// settings and a few posts at different stages. Running it again changes nothing.
package seed

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/approval"
	"clearpost/internal/auth"
	"clearpost/internal/boards"
	"clearpost/internal/content"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Person is a demo user as the identity provider knows them.
type Person struct {
	Email      string
	Name       string
	IdPGroups  []string // what the provider's groups claim says
	Department string
	Region     string
}

// Subject is the person's stable subject at the development identity provider.
func (p Person) Subject() string { return "dev-" + strings.SplitN(p.Email, "@", 2)[0] }

// People are the demo users.
var People = []Person{
	{Email: "admin@example.com", Name: "Ada Admin", IdPGroups: []string{"social-admins"}, Department: "IT", Region: "emea"},
	{Email: "marketer@example.com", Name: "Mark Marketer", IdPGroups: []string{"social-marketers"}, Department: "Marketing", Region: "emea"},
	{Email: "legal@example.com", Name: "Lena Legal", IdPGroups: []string{"social-reviewers", "legal-team"}, Department: "Legal", Region: "emea"},
	{Email: "compliance@example.com", Name: "Carl Compliance", IdPGroups: []string{"social-reviewers", "compliance-team"}, Department: "Compliance", Region: "amer"},
	{Email: "brand@example.com", Name: "Bree Brand", IdPGroups: []string{"social-reviewers", "brand-team"}, Department: "Marketing", Region: "amer"},
	{Email: "employee@example.com", Name: "Eve Employee", IdPGroups: []string{"all-staff"}, Department: "Sales", Region: "emea"},
	{Email: "sam@example.com", Name: "Sam Seller", IdPGroups: []string{"all-staff"}, Department: "Sales", Region: "amer"},
	{Email: "priya@example.com", Name: "Priya Patel", IdPGroups: []string{"all-staff"}, Department: "Engineering", Region: "apac"},
	{Email: "jonas@example.com", Name: "Jonas Berg", IdPGroups: []string{"all-staff"}, Department: "Engineering", Region: "emea"},
	{Email: "mei@example.com", Name: "Mei Tanaka", IdPGroups: []string{"all-staff"}, Department: "Customer Success", Region: "apac"},
	{Email: "omar@example.com", Name: "Omar Haddad", IdPGroups: []string{"all-staff"}, Department: "Sales", Region: "emea"},
}

// GroupMap maps the demo provider's groups to Clearpost roles and reviewer groups, as
// CLEARPOST_OIDC_GROUP_MAP would.
var GroupMap = map[string][]string{
	"social-admins":    {"role:ADMIN"},
	"social-marketers": {"role:MARKETER"},
	"social-reviewers": {"role:REVIEWER"},
	"legal-team":       {"group:legal"},
	"compliance-team":  {"group:compliance"},
	"brand-team":       {"group:brand"},
}

// Demo writes the demo organization slug, signed into by issuer/clientID, with sample posts, and
// returns its id.
func Demo(ctx context.Context, pool *pgxpool.Pool, slug, issuer, clientID string) (uuid.UUID, error) {
	return write(ctx, pool, slug, issuer, clientID, true)
}

// Base writes the demo organization without sample posts: users, workflow, rules and settings.
func Base(ctx context.Context, pool *pgxpool.Pool, slug, issuer, clientID string) (uuid.UUID, error) {
	return write(ctx, pool, slug, issuer, clientID, false)
}

func write(ctx context.Context, pool *pgxpool.Pool, slug, issuer, clientID string, withPosts bool) (uuid.UUID, error) {
	org, err := auth.RegisterProvider(ctx, pool, slug, "Example Corp", issuer, clientID)
	if err != nil {
		return uuid.Nil, err
	}
	mapping := auth.Mapping{GroupsClaim: "groups", GroupMap: GroupMap}
	ids := map[string]*auth.Principal{}
	for _, p := range People {
		roles, groups := mapping.Mapped(map[string]any{"groups": toAny(p.IdPGroups)})
		var id uuid.UUID
		err := pool.QueryRow(ctx, `INSERT INTO users (org_id, issuer, subject, email, name, claim_roles, claim_groups, roles, department, region)
			VALUES ($1, $2, $3, $4, $5, $6, $7, '{EMPLOYEE}', $8, $9)
			ON CONFLICT (issuer, subject) DO UPDATE SET email = EXCLUDED.email
			RETURNING id`, org, issuer, p.Subject(), p.Email, p.Name, roles, groups, p.Department, p.Region).Scan(&id)
		if err != nil {
			return uuid.Nil, fmt.Errorf("seed user %s: %w", p.Email, err)
		}
		ids[p.Email] = &auth.Principal{UserID: id, OrgID: org, Email: p.Email, Name: p.Name,
			Roles: append(roles, auth.RoleEmployee), Groups: groups}
	}
	var workflows int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM workflows WHERE org_id = $1`, org).Scan(&workflows); err != nil {
		return uuid.Nil, err
	}
	if workflows > 0 {
		return org, nil // already seeded
	}
	review := approval.NewService(pool)
	// The demo's approved post lands on its board; it has no publication plan to schedule.
	review.OnApproved(boards.PlaceApproved)
	if err := routing(auth.WithPrincipal(ctx, ids["admin@example.com"]), review); err != nil {
		return uuid.Nil, err
	}
	if !withPosts {
		return org, nil
	}
	if err := samplePosts(ctx, pool, content.NewService(pool, nil), review, ids); err != nil {
		return uuid.Nil, err
	}
	return org, nil
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func routing(ctx context.Context, svc *approval.Service) error {
	if _, err := svc.SetClassifierSettings(ctx, approval.ClassifierSettings{
		Competitors: []string{"Acme", "Globex", "Initech"},
		Disclosures: []string{"#ad", "#sponsored"}, DisclosureCategories: []string{"sponsored"},
	}); err != nil {
		return fmt.Errorf("seed classifier settings: %w", err)
	}
	if _, err := svc.CreateWorkflow(ctx, approval.WorkflowInput{
		Name: "Standard review", Description: "Every post: the brand team signs off.", IsDefault: true,
		Stages: []approval.Stage{{Name: "Brand review", Groups: []approval.GroupRequirement{{Group: "brand", Quorum: approval.Quorum{Kind: approval.QuorumAny}}}, SLA: 24 * time.Hour}},
	}); err != nil {
		return fmt.Errorf("seed workflow: %w", err)
	}
	rules := []approval.RuleInput{
		{
			Name: "Claims and prices to legal", Priority: 10, Enabled: true,
			Description: "Prices, performance claims, forward-looking statements and competitor names need legal sign-off first.",
			Expression:  `"pricing" in labels || "performance_claim" in labels || "forward_looking" in labels || "competitor" in labels`,
			Action:      approval.Action{Kind: approval.ActionAddStage, Group: "legal", Quorum: approval.Quorum{Kind: approval.QuorumAny}, Position: 1, StageName: "Legal review", SLA: 48 * time.Hour},
		},
		{
			Name: "Regulated content to compliance", Priority: 20, Enabled: true,
			Description: "Regulated industries, health claims, personal data and missing disclosures go to compliance.",
			Expression:  `"regulated" in post.tags || "health_claim" in labels || "personal_data" in labels || "missing_disclosure" in labels`,
			Action:      approval.Action{Kind: approval.ActionAddGroup, Group: "compliance", Quorum: approval.Quorum{Kind: approval.QuorumAny}, Position: 1},
		},
	}
	for _, r := range rules {
		if _, err := svc.CreateRule(ctx, r); err != nil {
			return fmt.Errorf("seed rule %s: %w", r.Name, err)
		}
	}
	return nil
}

func samplePosts(ctx context.Context, pool *pgxpool.Pool, svc *content.Service, review *approval.Service, ids map[string]*auth.Principal) error {
	as := func(email string) context.Context { return auth.WithPrincipal(ctx, ids[email]) }
	marketer := as("marketer@example.com")
	if _, err := svc.Create(marketer, content.Content{
		Title: "Customer story draft", Body: "How Northwind cut onboarding time with our platform. Full story on the blog.",
		Link: "https://example.com/blog/northwind", Channels: []string{"linkedin"}, Tags: []string{"customer-story"},
		ShareText: "Great story from the Northwind team!", ShareTextEditable: true,
	}); err != nil {
		return fmt.Errorf("seed draft: %w", err)
	}
	inReview, err := svc.Create(marketer, content.Content{
		Title: "Pricing launch", Body: "Clearpost Cloud is here: plans start at $49/month, and teams ship approved posts 3x faster.",
		Link: "https://example.com/pricing", Channels: []string{"linkedin", "x"}, Tags: []string{"launch"},
	})
	if err != nil {
		return fmt.Errorf("seed post: %w", err)
	}
	if _, err := review.Submit(marketer, inReview.ID); err != nil {
		return fmt.Errorf("seed submit: %w", err)
	}
	approved, err := svc.Create(marketer, content.Content{
		Title: "Hiring", Body: "We're hiring engineers in Berlin and Singapore. Come build with us!",
		Link: "https://example.com/careers", Channels: []string{"linkedin", "x"}, Tags: []string{"hiring"},
		ShareText: "My team is hiring. Join us!", ShareTextEditable: true,
	})
	if err != nil {
		return fmt.Errorf("seed post: %w", err)
	}
	board, err := boards.NewService(pool).Create(marketer, boards.Input{Name: "Company news", Description: "Approved posts for everyone to share.",
		Audience: boards.Audience{Everyone: true}})
	if err != nil {
		return fmt.Errorf("seed board: %w", err)
	}
	if _, err := boards.NewService(pool).Target(marketer, approved.ID, []uuid.UUID{board.ID}); err != nil {
		return fmt.Errorf("seed board target: %w", err)
	}
	if _, err := review.Submit(marketer, approved.ID); err != nil {
		return fmt.Errorf("seed submit: %w", err)
	}
	return approveAll(ctx, svc, review, ids, approved.ID)
}

// approveAll signs off every stage of a post's review as the demo reviewers.
func approveAll(ctx context.Context, svc *content.Service, review *approval.Service, ids map[string]*auth.Principal, post uuid.UUID) error {
	reviewers := []string{"legal@example.com", "compliance@example.com", "brand@example.com"}
	for range 10 {
		for _, email := range reviewers {
			rctx := auth.WithPrincipal(ctx, ids[email])
			p, err := svc.Get(rctx, post)
			if err != nil {
				return err
			}
			if p.State == content.StateApproved {
				return nil
			}
			v, err := svc.Version(rctx, post, 0)
			if err != nil {
				return err
			}
			_, _, err = review.Decide(rctx, approval.DecisionInput{PostID: post, VersionID: v.ID, Kind: approval.Approve, Comment: "Looks good."})
			if err != nil && !errors.Is(err, apperr.ErrForbidden) {
				return fmt.Errorf("seed approval: %w", err)
			}
		}
	}
	return fmt.Errorf("seed approval: post %s did not reach APPROVED", post)
}
