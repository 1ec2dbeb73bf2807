package notify_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"clearpost/internal/approval"
	"clearpost/internal/content"
	"clearpost/internal/notify"

	"github.com/google/uuid"
)

// TestFailingRuleFailsClosedAndAdminsAreToldOnce: a rule that errs at run time (saved before
// rules were tried on sample posts, here written in SQL) does not block submissions: its stage is
// added, the plan records the failure, the rule is marked failing with its error, and the admins
// get one notification per failure episode, not one per submission. A clean evaluation ends the
// episode; the next failure starts a new one; editing the rule clears the mark.
func TestFailingRuleFailsClosedAndAdminsAreToldOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	ada := mustUser(t, b.pool, b.org, "Ada Admin", admin)
	bea := mustUser(t, b.pool, b.org, "Bea Admin", admin)
	author := mustUser(t, b.pool, b.org, "Ann Author", marketer)
	mustUser(t, b.pool, b.org, "Lee Legal", reviewer, "legal")
	mustUser(t, b.pool, b.org, "Bo Brand", reviewer, "brand")
	mustWorkflow(t, b.pool, author, approval.Stage{Name: "Brand", Groups: []approval.GroupRequirement{anyOf("brand")}})
	action, _ := json.Marshal(approval.Action{Kind: approval.ActionAddStage, Group: "legal", Quorum: approval.Quorum{Kind: approval.QuorumAny}, Position: 1, StageName: "Legal"})
	var ruleID uuid.UUID
	if err := b.pool.QueryRow(ctx, `INSERT INTO routing_rules (org_id, name, expression, action) VALUES ($1, 'Sixth tag', 'post.tags[5] == "x"', $2) RETURNING id`,
		b.org, action).Scan(&ruleID); err != nil {
		t.Fatal(err)
	}
	posts, review := content.NewService(b.pool, nil), approval.NewService(b.pool)
	submit := func(title string, tags ...string) approval.Plan {
		t.Helper()
		post, err := posts.Create(author.ctx(), content.Content{Title: title, Body: "Hello.", Tags: tags})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := review.Submit(author.ctx(), post.ID); err != nil {
			t.Fatalf("submit %q: %v", title, err)
		}
		var raw []byte
		if err := b.pool.QueryRow(ctx, `SELECT plan FROM reviews WHERE post_id = $1`, post.ID).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		var plan approval.Plan
		if err := json.Unmarshal(raw, &plan); err != nil {
			t.Fatal(err)
		}
		b.drain(t)
		return plan
	}
	told := func(u *user) int {
		t.Helper()
		return count(t, b.pool, `SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = $2 AND in_app`, u.id, notify.KindRoutingRuleFailing)
	}
	failing := func() (bool, string) {
		t.Helper()
		var failing bool
		var lastErr string
		if err := b.pool.QueryRow(ctx, `SELECT failing_since IS NOT NULL AND last_error_at IS NOT NULL, last_error FROM routing_rules WHERE id = $1`, ruleID).
			Scan(&failing, &lastErr); err != nil {
			t.Fatal(err)
		}
		return failing, lastErr
	}

	// Two submissions hit the broken rule: both go through, with its stage added (fails closed).
	for _, title := range []string{"First", "Second"} {
		plan := submit(title)
		var stages []string
		for _, s := range plan.Stages {
			stages = append(stages, s.Name)
		}
		if strings.Join(stages, ",") != "Legal,Brand" {
			t.Fatalf("%s: stages %v, want the failing rule's Legal stage first", title, stages)
		}
		if len(plan.Rules) != 1 || plan.Rules[0].RuleID != ruleID || !strings.Contains(plan.Rules[0].Error, "index out of bounds") {
			t.Fatalf("%s: plan rules %+v, want the failure recorded", title, plan.Rules)
		}
		if on, lastErr := failing(); !on || !strings.Contains(lastErr, "index out of bounds") {
			t.Fatalf("%s: rule failing=%v %q, want marked failing with its error", title, on, lastErr)
		}
		if told(ada) != 1 || told(bea) != 1 || told(author) != 0 {
			t.Fatalf("%s: admins told %d and %d times, the author %d, want once each and never", title, told(ada), told(bea), told(author))
		}
	}
	if got := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = 'routing_rule.failing' AND subject_id = $1`, ruleID.String()); got != 1 {
		t.Fatalf("%d routing_rule.failing audit events, want 1", got)
	}

	// A post the rule evaluates cleanly on ends the episode; the next failure starts another.
	submit("Six tags", "a", "b", "c", "d", "e", "x")
	if on, _ := failing(); on {
		t.Fatal("still failing after a clean evaluation")
	}
	if got := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = 'routing_rule.recovered' AND subject_id = $1`, ruleID.String()); got != 1 {
		t.Fatalf("%d routing_rule.recovered audit events, want 1", got)
	}
	submit("Third")
	if told(ada) != 2 || told(bea) != 2 {
		t.Fatalf("a new episode told the admins %d and %d times in all, want twice each", told(ada), told(bea))
	}

	// Editing the rule clears the mark.
	svc := approval.NewService(b.pool)
	rules, err := svc.Rules(ada.ctx())
	if err != nil || len(rules) != 1 || !rules[0].Failing() || rules[0].LastError == "" || rules[0].LastErrorAt == nil {
		t.Fatalf("rules = %+v, %v; want the failing rule", rules, err)
	}
	r, err := svc.UpdateRule(ada.ctx(), ruleID, approval.RuleInput{Name: "Sixth tag", Enabled: true,
		Expression: `size(post.tags) > 5 && post.tags[5] == "x"`, Action: rules[0].Action}, rules[0].Revision)
	if err != nil || r.Failing() || r.LastError != "" {
		t.Fatalf("edited rule = %+v, %v; want the mark cleared", r, err)
	}
}
