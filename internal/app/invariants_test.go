package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"clearpost/internal/app/apptest"
)

func TestStaleDecisionsAreRefused(t *testing.T) {
	t.Parallel()
	p := setup(t)
	pp := p.create(t, "A plain announcement.")
	p.submit(t, pp.ID)
	// The right version with the wrong hash.
	r := p.Do(t, p.tok["brand"], approve, map[string]any{"in": map[string]any{
		"postId": pp.ID, "versionId": pp.CurrentVersion.ID, "contentHash": strings.Repeat("0", 64)}})
	wantCode(t, r, "CONFLICT")
	// A version of another post.
	other := p.create(t, "Another post.")
	r = p.Do(t, p.tok["brand"], approve, map[string]any{"in": map[string]any{"postId": pp.ID, "versionId": other.CurrentVersion.ID}})
	wantCode(t, r, "CONFLICT")
	if got := p.get(t, "marketer", pp.ID); got.State != "IN_REVIEW" || len(got.Decisions) != 0 {
		t.Fatalf("a refused decision changed the post: %s, %d decisions", got.State, len(got.Decisions))
	}
	// With the right hash it goes through.
	r = p.Do(t, p.tok["brand"], approve, map[string]any{"in": map[string]any{
		"postId": pp.ID, "versionId": pp.CurrentVersion.ID, "contentHash": pp.CurrentVersion.ContentHash}})
	mustOK(t, r)
}

func TestAuthorNeverApprovesOwnPost(t *testing.T) {
	t.Parallel()
	p := setup(t)
	ctx := context.Background()
	// The marketer is also a brand reviewer, and another brand reviewer exists.
	if _, err := p.App.Pool.Exec(ctx, `UPDATE users SET groups = '{brand}', roles = roles || '{REVIEWER}' WHERE org_id = $1 AND email = 'marketer@example.com'`, p.org.ID); err != nil {
		t.Fatal(err)
	}
	p.tok["marketer"] = p.org.Token(t, "marketer@example.com")
	pp := p.create(t, "My own post.")
	p.submit(t, pp.ID)
	wantCode(t, p.decide(t, approve, "marketer", pp, ""), "FORBIDDEN")
	var q struct {
		ReviewQueue struct{ Edges []struct{} }
	}
	p.Must(t, p.tok["marketer"], queue, nil, &q)
	if len(q.ReviewQueue.Edges) != 0 {
		t.Fatalf("the author's own post is in their review queue")
	}
	mustOK(t, p.decide(t, approve, "brand", pp, ""))
}

func TestQuorumCountsDistinctReviewers(t *testing.T) {
	t.Parallel()
	p := setup(t)
	ctx := context.Background()
	if _, err := p.App.Pool.Exec(ctx, `UPDATE users SET groups = '{legal}', roles = roles || '{REVIEWER}' WHERE org_id = $1 AND email IN ('sam@example.com', 'priya@example.com')`, p.org.ID); err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Workflows struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	p.Must(t, p.tok["admin"], `{ workflows { edges { node { id } } } }`, nil, &wf)
	// Two of the three legal reviewers, then every brand reviewer.
	p.Must(t, p.tok["admin"], `mutation($id: ID!) { updateWorkflow(id: $id, input: {name: "Standard review", isDefault: true, stages: [
		{name: "Legal", groups: [{group: "legal", quorum: {kind: N, n: 2}}]},
		{name: "Brand", groups: [{group: "brand", quorum: {kind: ALL}}]}]}) { id revision } }`,
		map[string]any{"id": wf.Workflows.Edges[0].Node.ID}, nil)
	pp := p.create(t, "Hello world.")
	p.submit(t, pp.ID)
	mustOK(t, p.decide(t, approve, "legal", pp, ""))
	// The same reviewer again does not count twice.
	wantCode(t, p.decide(t, approve, "legal", pp, ""), "CONFLICT")
	if got := p.get(t, "marketer", pp.ID); got.Review.CurrentStage != 1 {
		t.Fatalf("one distinct approval cleared a 2-of-3 stage")
	}
	mustOK(t, p.decide(t, approve, "sam", pp, ""))
	got := p.get(t, "marketer", pp.ID)
	if got.Review.CurrentStage != 2 || got.State != "IN_REVIEW" {
		t.Fatalf("after two legal approvals: stage %d, %s", got.Review.CurrentStage, got.State)
	}
	mustOK(t, p.decide(t, approve, "brand", pp, "")) // the only brand member: ALL = 1
	if got := p.get(t, "marketer", pp.ID); got.State != "APPROVED" {
		t.Fatalf("after the brand stage: %s", got.State)
	}

	// A quorum no group can meet is refused at submit, naming the group.
	p.Must(t, p.tok["admin"], `mutation($id: ID!) { updateWorkflow(id: $id, input: {name: "Standard review", isDefault: true, stages: [
		{name: "Legal", groups: [{group: "legal", quorum: {kind: N, n: 5}}]}]}) { id } }`,
		map[string]any{"id": wf.Workflows.Edges[0].Node.ID}, nil)
	again := p.create(t, "Hello again.")
	r := p.Do(t, p.tok["marketer"], submit, map[string]any{"id": again.ID})
	wantCode(t, r, "CONFLICT")
	if !strings.Contains(r.Errors[0].Message, `"legal"`) {
		t.Fatalf("message does not name the group: %s", r.Errors[0].Message)
	}
	if got := p.get(t, "marketer", again.ID); got.State != "DRAFT" || got.Review != nil {
		t.Fatalf("a refused submit changed the post: %s", got.State)
	}
}

func TestEditAfterApprovalVoidsIt(t *testing.T) {
	t.Parallel()
	p := setup(t)
	pp := p.create(t, "Approved words.")
	p.submit(t, pp.ID)
	mustOK(t, p.decide(t, approve, "brand", pp, ""))
	p.Must(t, p.tok["marketer"], `mutation($id: ID!) { updatePost(id: $id, content: {body: "Different words."}) { id } }`, map[string]any{"id": pp.ID}, nil)
	got := p.get(t, "marketer", pp.ID)
	if got.State != "DRAFT" || got.Review.Status != "VOIDED" || got.CurrentVersion.Number != 2 {
		t.Fatalf("after editing approved content: %s, review %s, v%d", got.State, got.Review.Status, got.CurrentVersion.Number)
	}
	var unapproved int
	if err := p.App.Pool.QueryRow(context.Background(), `SELECT count(*) FROM outbox WHERE topic = 'post.unapproved' AND payload->>'post_id' = $1`, pp.ID).Scan(&unapproved); err != nil {
		t.Fatal(err)
	}
	if unapproved != 1 {
		t.Fatalf("%d post.unapproved outbox rows, want 1", unapproved)
	}
	// Saving identical content changes nothing and voids nothing.
	p.submit(t, pp.ID)
	mustOK(t, p.decide(t, approve, "brand", got, ""))
	p.Must(t, p.tok["marketer"], `mutation($id: ID!) { updatePost(id: $id, content: {body: "Different words."}) { id } }`, map[string]any{"id": pp.ID}, nil)
	if again := p.get(t, "marketer", pp.ID); again.State != "APPROVED" || again.CurrentVersion.Number != 2 {
		t.Fatalf("a no-op edit changed an approved post: %s v%d", again.State, again.CurrentVersion.Number)
	}
}

// A failure anywhere in a state change's transaction leaves nothing of it: no state change, no
// decision, no audit event, no outbox row.
func TestStateAuditAndOutboxCommitTogether(t *testing.T) {
	t.Parallel()
	p := setup(t)
	ctx := context.Background()
	pp := p.create(t, "Atomic.")
	p.submit(t, pp.ID)
	before := snapshot(t, p)
	// Make the last write of an approval (its outbox row) fail.
	if _, err := p.App.Pool.Exec(ctx, `ALTER TABLE outbox ADD CONSTRAINT test_no_approved CHECK (topic <> 'post.approved')`); err != nil {
		t.Fatal(err)
	}
	wantCode(t, p.decide(t, approve, "brand", pp, ""), "INTERNAL")
	if after := snapshot(t, p); after != before {
		t.Fatalf("a failed approval left traces:\nbefore %s\nafter  %s", before, after)
	}
	if got := p.get(t, "marketer", pp.ID); got.State != "IN_REVIEW" {
		t.Fatalf("post is %s after a failed approval", got.State)
	}
	if _, err := p.App.Pool.Exec(ctx, `ALTER TABLE outbox DROP CONSTRAINT test_no_approved`); err != nil {
		t.Fatal(err)
	}
	mustOK(t, p.decide(t, approve, "brand", pp, ""))
	var approvedEvents, approvedRows int
	if err := p.App.Pool.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM audit_events WHERE subject_id = $1 AND action = 'post.approved'),
			(SELECT count(*) FROM outbox WHERE topic = 'post.approved' AND payload->>'post_id' = $1)`, pp.ID).Scan(&approvedEvents, &approvedRows); err != nil {
		t.Fatal(err)
	}
	if approvedEvents != 1 || approvedRows != 1 {
		t.Fatalf("approval wrote %d audit events and %d outbox rows, want 1 and 1", approvedEvents, approvedRows)
	}
}

// snapshot summarises every table a mutation may touch, to prove a refused one changed nothing.
func snapshot(t *testing.T, p *pipeline) string {
	t.Helper()
	var s string
	err := p.App.Pool.QueryRow(context.Background(), `SELECT concat_ws(' ',
		(SELECT count(*) FROM posts), (SELECT max(updated_at) FROM posts), (SELECT string_agg(state, ',' ORDER BY id) FROM posts),
		(SELECT count(*) FROM post_versions), (SELECT count(*) FROM reviews), (SELECT string_agg(status || current_stage, ',' ORDER BY id) FROM reviews),
		(SELECT count(*) FROM review_groups), (SELECT sum(approvals) FROM review_groups),
		(SELECT count(*) FROM decisions), (SELECT count(*) FROM comments),
		(SELECT count(*) FROM workflows), (SELECT max(updated_at) FROM workflows),
		(SELECT count(*) FROM routing_rules), (SELECT max(updated_at) FROM routing_rules),
		(SELECT max(updated_at) FROM users), (SELECT count(*) FROM users), (SELECT settings::text FROM organizations ORDER BY id LIMIT 1),
		(SELECT count(*) FROM audit_events), (SELECT count(*) FROM outbox))`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	p := setup(t)
	other := p.Org(t, "other")
	otherAdmin, otherMarketer, otherBrand := other.Token(t, "admin@example.com"), other.Token(t, "marketer@example.com"), other.Token(t, "brand@example.com")
	pp := p.create(t, "Example's secret plans.")
	p.submit(t, pp.ID)
	var wf struct {
		Workflows struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	p.Must(t, p.tok["admin"], `{ workflows { edges { node { id } } } }`, nil, &wf)

	for name, op := range map[string]struct {
		token, query string
		vars         map[string]any
	}{
		"post":     {otherAdmin, postQuery, map[string]any{"id": pp.ID}},
		"approve":  {otherBrand, approve, map[string]any{"in": map[string]any{"postId": pp.ID, "versionId": pp.CurrentVersion.ID}}},
		"update":   {otherMarketer, `mutation($id: ID!) { updatePost(id: $id, content: {body: "pwned"}) { id } }`, map[string]any{"id": pp.ID}},
		"comment":  {otherAdmin, `mutation($id: ID!) { addComment(postId: $id, body: "hi") { id } }`, map[string]any{"id": pp.ID}},
		"withdraw": {otherMarketer, withdraw, map[string]any{"id": pp.ID}},
		"workflow": {otherAdmin, `mutation($id: ID!) { updateWorkflow(id: $id, input: {name: "x", stages: [{name: "s", groups: [{group: "brand", quorum: {kind: ANY}}]}]}) { id } }`, map[string]any{"id": wf.Workflows.Edges[0].Node.ID}},
	} {
		if r := p.Do(t, op.token, op.query, op.vars); r.Code() != "NOT_FOUND" {
			t.Errorf("%s across organizations: got %q %v, want NOT_FOUND", name, r.Code(), r.Errors)
		}
	}
	// Lists show only the caller's organization.
	var lists struct {
		Posts       struct{ Edges []struct{} }
		ReviewQueue struct{ Edges []struct{} }
		Users       struct {
			Edges []struct{ Node struct{ ID string } }
		}
		AuditLog struct {
			Edges []struct{ Node struct{ SubjectID string } }
		}
	}
	p.Must(t, otherAdmin, `{ posts { edges { node { id } } } reviewQueue { edges { node { stage } } }
		users { edges { node { id } } } auditLog(first: 500) { edges { node { subjectId } } } }`, nil, &lists)
	if len(lists.Posts.Edges) != 0 || len(lists.ReviewQueue.Edges) != 0 {
		t.Fatalf("another organization's posts are listed: %+v", lists)
	}
	for _, e := range lists.AuditLog.Edges {
		if e.Node.SubjectID == pp.ID {
			t.Fatalf("another organization's audit events are listed")
		}
	}
	var mine int
	if err := p.App.Pool.QueryRow(context.Background(), `SELECT count(*) FROM users WHERE org_id = $1`, other.ID).Scan(&mine); err != nil {
		t.Fatal(err)
	}
	if len(lists.Users.Edges) != mine {
		t.Fatalf("users lists %d users, the organization has %d", len(lists.Users.Edges), mine)
	}
	if got := p.get(t, "marketer", pp.ID); got.State != "IN_REVIEW" || got.CurrentVersion.Number != 1 || len(got.Decisions) != 0 {
		t.Fatalf("another organization changed the post: %+v", got)
	}
}

func TestAuthenticationAndRoles(t *testing.T) {
	t.Parallel()
	p := setup(t)
	if r := p.Do(t, "", `{ me { id } }`, nil); r.Code() != "UNAUTHENTICATED" {
		t.Fatalf("no token: %q", r.Code())
	}
	if r := p.Do(t, "not-a-jwt", `{ me { id } }`, nil); r.Status != 401 || r.Code() != "UNAUTHENTICATED" {
		t.Fatalf("garbage token: %d %q", r.Status, r.Code())
	}
	// A token from an issuer nobody registered.
	stranger := p.Org(t, "stranger")
	if _, err := p.App.Pool.Exec(context.Background(), `DELETE FROM identity_providers WHERE org_id = $1`, stranger.ID); err != nil {
		t.Fatal(err)
	}
	if r := p.Do(t, stranger.Token(t, "admin@example.com"), `{ me { id } }`, nil); r.Status != 401 || r.Code() != "UNAUTHENTICATED" {
		t.Fatalf("unregistered issuer: %d %q", r.Status, r.Code())
	}
	for name, op := range map[string]struct{ who, query string }{
		"employee creates a post":     {"employee", `mutation { createPost(content: {body: "x"}) { id } }`},
		"reviewer creates a workflow": {"legal", `mutation { createWorkflow(input: {name: "x", stages: []}) { id } }`},
		"marketer sets roles":         {"marketer", `mutation { setUserRoles(userId: "00000000-0000-0000-0000-000000000001", roles: [ADMIN], groups: []) { id } }`},
		"marketer reads the audit":    {"marketer", `{ auditLog { edges { cursor } } }`},
		"reviewer verifies the audit": {"legal", `{ verifyAuditLog { ok } }`},
		"employee lists users":        {"employee", `{ users { edges { cursor } } }`},
	} {
		if r := p.Do(t, p.tok[op.who], op.query, nil); r.Code() != "FORBIDDEN" {
			t.Errorf("%s: got %q %v, want FORBIDDEN", name, r.Code(), r.Errors)
		}
	}
}

func TestProvisioningAndRoleAssignment(t *testing.T) {
	t.Parallel()
	p := setup(t)
	var me struct {
		Me struct {
			ID, Email   string
			Roles       []string
			Groups      []string
			ClaimGroups []string
		}
	}
	// A person the database has never seen is provisioned on their first request.
	tok, err := p.org.Provider.MintWith(map[string]any{
		"iss": p.org.Provider.Issuer(), "aud": apptest.ClientID, "sub": "newcomer-1", "email": "New.Comer@Example.com",
		"name": "New Comer", "groups": []string{"legal-team", "unmapped-group"},
		"iat": time.Now().Unix(), "exp": time.Now().Add(5 * time.Minute).Unix(),
	})
	if err != nil {
		t.Fatal(err)
	}
	p.Must(t, tok, `{ me { id email roles groups claimGroups } }`, nil, &me)
	if me.Me.Email != "new.comer@example.com" || strings.Join(me.Me.Roles, ",") != "EMPLOYEE" || strings.Join(me.Me.Groups, ",") != "legal" {
		t.Fatalf("provisioned user: %+v", me.Me)
	}
	// An admin assigns roles; the claim-derived group stays; both show in the effective set.
	var set struct {
		SetUserRoles struct {
			Roles, Groups, AssignedGroups []string
		}
	}
	p.Must(t, p.tok["admin"], `mutation($id: ID!) { setUserRoles(userId: $id, roles: [REVIEWER, EMPLOYEE], groups: ["brand"]) { roles groups assignedGroups } }`,
		map[string]any{"id": me.Me.ID}, &set)
	if strings.Join(set.SetUserRoles.Roles, ",") != "EMPLOYEE,REVIEWER" || strings.Join(set.SetUserRoles.Groups, ",") != "brand,legal" {
		t.Fatalf("after setUserRoles: %+v", set.SetUserRoles)
	}
	// Signing in again refreshes the claim part and leaves the assignment alone.
	p.Must(t, tok, `{ me { id email roles groups claimGroups } }`, nil, &me)
	if strings.Join(me.Me.Groups, ",") != "brand,legal" {
		t.Fatalf("after signing in again: %+v", me.Me)
	}
	// An admin cannot lock themselves out.
	var admin struct{ Me struct{ ID string } }
	p.Must(t, p.tok["admin"], `{ me { id } }`, nil, &admin)
	r := p.Do(t, p.tok["admin"], `mutation($id: ID!) { setUserRoles(userId: $id, roles: [EMPLOYEE], groups: []) { id } }`, map[string]any{"id": admin.Me.ID})
	wantCode(t, r, "BAD_USER_INPUT")
}
