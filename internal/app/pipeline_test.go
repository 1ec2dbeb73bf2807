package app_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"

	"clearpost/internal/app/apptest"
)

const (
	createPost = `mutation($c: PostContentInput!) { createPost(content: $c) { id state currentVersion { id number contentHash } } }`
	submit     = `mutation($id: ID!) { submitPost(id: $id) { id state review { currentStage plan { stages { name groups { group } } rules { name } labels { name evidence } } } } }`
	postQuery  = `query($id: ID!) { post(id: $id) { id state currentVersion { id number contentHash content { body } }
		review { status currentStage versionId contentHash stages { number name cleared groups { group required approvals } } }
		decisions { kind comment stage groups reviewer { email } versionId contentHash }
		comments { body author { email } } } }`
	approve  = `mutation($in: DecisionInput!) { approvePost(input: $in) { decision { id kind stage groups } post { state review { currentStage } } } }`
	changes  = `mutation($in: DecisionInput!) { requestChanges(input: $in) { decision { id kind } post { state } } }`
	reject   = `mutation($in: DecisionInput!) { rejectPost(input: $in) { decision { id kind } post { state } } }`
	withdraw = `mutation($id: ID!, $r: String) { withdrawPost(id: $id, reason: $r) { id state } }`
	queue    = `{ reviewQueue { edges { node { post { id } stage groups } } } }`
)

type post struct {
	ID             string `json:"id"`
	State          string `json:"state"`
	CurrentVersion struct {
		ID          string `json:"id"`
		Number      int    `json:"number"`
		ContentHash string `json:"contentHash"`
		Content     struct {
			Body string `json:"body"`
		} `json:"content"`
	} `json:"currentVersion"`
	Review *struct {
		Status       string `json:"status"`
		CurrentStage int    `json:"currentStage"`
		VersionID    string `json:"versionId"`
		ContentHash  string `json:"contentHash"`
		Plan         struct {
			Stages []struct {
				Name   string `json:"name"`
				Groups []struct {
					Group string `json:"group"`
				} `json:"groups"`
			} `json:"stages"`
			Rules []struct {
				Name string `json:"name"`
			} `json:"rules"`
			Labels []struct {
				Name     string `json:"name"`
				Evidence string `json:"evidence"`
			} `json:"labels"`
		} `json:"plan"`
		Stages []struct {
			Number  int    `json:"number"`
			Name    string `json:"name"`
			Cleared bool   `json:"cleared"`
		} `json:"stages"`
	} `json:"review"`
	Decisions []struct {
		Kind     string `json:"kind"`
		Comment  string `json:"comment"`
		Stage    int    `json:"stage"`
		Reviewer struct {
			Email string `json:"email"`
		} `json:"reviewer"`
		VersionID   string `json:"versionId"`
		ContentHash string `json:"contentHash"`
	} `json:"decisions"`
}

// pipeline is a running Clearpost with the demo organization and its users' tokens.
type pipeline struct {
	*apptest.Env
	org *apptest.Org
	tok map[string]string
}

func setup(t *testing.T) *pipeline {
	t.Helper()
	env := apptest.Start(t)
	org := env.Org(t, "example")
	p := &pipeline{Env: env, org: org, tok: map[string]string{}}
	for _, who := range []string{"admin", "marketer", "legal", "compliance", "brand", "employee", "sam"} {
		p.tok[who] = org.Token(t, who+"@example.com")
	}
	return p
}

func (p *pipeline) create(t *testing.T, body string, channels ...string) post {
	t.Helper()
	var out struct{ CreatePost post }
	p.Must(t, p.tok["marketer"], createPost, map[string]any{"c": map[string]any{"title": "t", "body": body, "channels": channels}}, &out)
	return out.CreatePost
}

func (p *pipeline) get(t *testing.T, who, id string) post {
	t.Helper()
	var out struct{ Post post }
	p.Must(t, p.tok[who], postQuery, map[string]any{"id": id}, &out)
	return out.Post
}

func (p *pipeline) submit(t *testing.T, id string) post {
	t.Helper()
	var out struct{ SubmitPost post }
	p.Must(t, p.tok["marketer"], submit, map[string]any{"id": id}, &out)
	return out.SubmitPost
}

func (p *pipeline) decide(t *testing.T, op, who string, pp post, comment string) *apptest.Result {
	t.Helper()
	return p.Do(t, p.tok[who], op, map[string]any{"in": map[string]any{
		"postId": pp.ID, "versionId": pp.CurrentVersion.ID, "comment": comment,
	}})
}

func mustOK(t *testing.T, r *apptest.Result) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("unexpected error %s: %s", r.Code(), r.Errors[0].Message)
	}
}

func wantCode(t *testing.T, r *apptest.Result, code string) {
	t.Helper()
	if r.Code() != code {
		t.Fatalf("got code %q (%v), want %s", r.Code(), r.Errors, code)
	}
}

func stageNames(p post) []string {
	var out []string
	for _, s := range p.Review.Plan.Stages {
		var groups []string
		for _, g := range s.Groups {
			groups = append(groups, g.Group)
		}
		out = append(out, strings.Join(groups, "+"))
	}
	return out
}

func TestHappyPathRoutesToLegalThenBrand(t *testing.T) {
	t.Parallel()
	p := setup(t)
	pp := p.create(t, "Our new plan costs $49/month.", "linkedin")
	if pp.State != "DRAFT" || pp.CurrentVersion.Number != 1 || len(pp.CurrentVersion.ContentHash) != 64 {
		t.Fatalf("new post: %+v", pp)
	}
	sub := p.submit(t, pp.ID)
	if sub.State != "IN_REVIEW" || sub.Review.CurrentStage != 1 {
		t.Fatalf("submitted: %+v", sub)
	}
	if got := stageNames(sub); !slices.Equal(got, []string{"legal", "brand"}) {
		t.Fatalf("plan stages = %v, want [legal brand]", got)
	}
	if len(sub.Review.Plan.Rules) != 1 || sub.Review.Plan.Rules[0].Name != "Claims and prices to legal" {
		t.Fatalf("plan rules = %+v", sub.Review.Plan.Rules)
	}
	if !slices.ContainsFunc(sub.Review.Plan.Labels, func(l struct {
		Name     string `json:"name"`
		Evidence string `json:"evidence"`
	}) bool {
		return l.Name == "pricing" && strings.Contains(l.Evidence, "49")
	}) {
		t.Fatalf("labels = %+v, want pricing with its evidence", sub.Review.Plan.Labels)
	}

	// Brand is not awaited yet: the legal stage comes first.
	wantCode(t, p.decide(t, approve, "brand", pp, ""), "FORBIDDEN")
	var q struct {
		ReviewQueue struct {
			Edges []struct {
				Node struct {
					Post   struct{ ID string }
					Stage  int
					Groups []string
				}
			}
		}
	}
	p.Must(t, p.tok["legal"], queue, nil, &q)
	if len(q.ReviewQueue.Edges) != 1 || q.ReviewQueue.Edges[0].Node.Post.ID != pp.ID || q.ReviewQueue.Edges[0].Node.Groups[0] != "legal" {
		t.Fatalf("legal's queue = %+v", q)
	}
	p.Must(t, p.tok["brand"], queue, nil, &q)
	if len(q.ReviewQueue.Edges) != 0 {
		t.Fatalf("brand's queue before legal signed off = %+v", q)
	}

	mustOK(t, p.decide(t, approve, "legal", pp, "Price checked against the rate card."))
	if got := p.get(t, "marketer", pp.ID); got.State != "IN_REVIEW" || got.Review.CurrentStage != 2 || !got.Review.Stages[0].Cleared {
		t.Fatalf("after legal: %+v", got.Review)
	}
	p.Must(t, p.tok["legal"], queue, nil, &q)
	if len(q.ReviewQueue.Edges) != 0 {
		t.Fatalf("legal's queue after deciding = %+v", q)
	}
	mustOK(t, p.decide(t, approve, "brand", pp, ""))
	got := p.get(t, "marketer", pp.ID)
	if got.State != "APPROVED" || got.Review.Status != "APPROVED" {
		t.Fatalf("after brand: %s / %s", got.State, got.Review.Status)
	}
	if len(got.Decisions) != 2 || got.Decisions[0].Reviewer.Email != "legal@example.com" || got.Decisions[0].Comment != "Price checked against the rate card." {
		t.Fatalf("decisions = %+v", got.Decisions)
	}
	for _, d := range got.Decisions {
		if d.ContentHash != pp.CurrentVersion.ContentHash || d.VersionID != pp.CurrentVersion.ID {
			t.Fatalf("decision bound to %s/%s, want %s/%s", d.VersionID, d.ContentHash, pp.CurrentVersion.ID, pp.CurrentVersion.ContentHash)
		}
	}
	// Every step is in the audit log, with who did it.
	actions := auditActions(t, p, pp.ID)
	for _, want := range []string{"post.created", "post.submitted", "decision.approve", "review.stage_cleared", "post.approved"} {
		if !slices.Contains(actions, want) {
			t.Errorf("audit log of the post lacks %s: %v", want, actions)
		}
	}
}

func auditActions(t *testing.T, p *pipeline, postID string) []string {
	t.Helper()
	var out struct {
		AuditLog struct {
			Edges []struct {
				Node struct {
					Action    string
					RequestID string
					IP        string
					Actor     struct{ Email string }
					Details   json.RawMessage
				}
			}
		}
	}
	p.Must(t, p.tok["admin"], `query($id: String!) { auditLog(first: 100, filter: {subjectType: "post", subjectId: $id}) {
		edges { node { action requestId ip actor { email } details } } } }`, map[string]any{"id": postID}, &out)
	var actions []string
	for _, e := range out.AuditLog.Edges {
		if e.Node.RequestID == "" || e.Node.IP == "" || e.Node.Actor.Email == "" {
			t.Errorf("audit event %s lacks who/where: %+v", e.Node.Action, e.Node)
		}
		actions = append(actions, e.Node.Action)
	}
	return actions
}

func TestRequestChangesThenNewVersionAndResubmit(t *testing.T) {
	t.Parallel()
	p := setup(t)
	pp := p.create(t, "Join our webinar next week.")
	p.submit(t, pp.ID)
	wantCode(t, p.decide(t, changes, "brand", pp, ""), "BAD_USER_INPUT") // a comment is required
	mustOK(t, p.decide(t, changes, "brand", pp, "Add the date and time."))
	if got := p.get(t, "marketer", pp.ID); got.State != "CHANGES_REQUESTED" || got.Review.Status != "CHANGES_REQUESTED" {
		t.Fatalf("after request changes: %s / %s", got.State, got.Review.Status)
	}
	var up struct{ UpdatePost post }
	p.Must(t, p.tok["marketer"], `mutation($id: ID!, $c: PostContentInput!) { updatePost(id: $id, content: $c, expectedVersion: 1) { id state currentVersion { id number contentHash } } }`,
		map[string]any{"id": pp.ID, "c": map[string]any{"title": "t", "body": "Join our webinar on 3 December at 15:00 CET."}}, &up)
	if up.UpdatePost.CurrentVersion.Number != 2 || up.UpdatePost.State != "CHANGES_REQUESTED" || up.UpdatePost.CurrentVersion.ContentHash == pp.CurrentVersion.ContentHash {
		t.Fatalf("after edit: %+v", up.UpdatePost)
	}
	var diff struct {
		Post struct {
			Diff struct {
				Changes  []struct{ Field string }
				BodyDiff string
			}
		}
	}
	p.Must(t, p.tok["marketer"], `query($id: ID!) { post(id: $id) { diff(from: 1, to: 2) { changes { field before after } bodyDiff } } }`, map[string]any{"id": pp.ID}, &diff)
	if len(diff.Post.Diff.Changes) != 1 || diff.Post.Diff.Changes[0].Field != "body" || !strings.Contains(diff.Post.Diff.BodyDiff, "+Join our webinar on 3 December") {
		t.Fatalf("diff = %+v", diff.Post.Diff)
	}
	resub := p.submit(t, pp.ID)
	if resub.State != "IN_REVIEW" || resub.Review.CurrentStage != 1 {
		t.Fatalf("resubmitted: %+v", resub)
	}
	// A decision on version 1 is stale now.
	wantCode(t, p.decide(t, approve, "brand", pp, ""), "CONFLICT")
	mustOK(t, p.decide(t, approve, "brand", up.UpdatePost, ""))
	if got := p.get(t, "marketer", pp.ID); got.State != "APPROVED" || got.CurrentVersion.Number != 2 {
		t.Fatalf("after approval: %s v%d", got.State, got.CurrentVersion.Number)
	}
}

func TestRejectIsTerminal(t *testing.T) {
	t.Parallel()
	p := setup(t)
	pp := p.create(t, "Totally unremarkable post.")
	p.submit(t, pp.ID)
	mustOK(t, p.decide(t, reject, "brand", pp, "Off-message."))
	got := p.get(t, "marketer", pp.ID)
	if got.State != "REJECTED" || got.Review.Status != "REJECTED" {
		t.Fatalf("after reject: %s / %s", got.State, got.Review.Status)
	}
	wantCode(t, p.Do(t, p.tok["marketer"], submit, map[string]any{"id": pp.ID}), "CONFLICT")
	wantCode(t, p.Do(t, p.tok["marketer"], `mutation($id: ID!) { updatePost(id: $id, content: {body: "x"}) { id } }`, map[string]any{"id": pp.ID}), "CONFLICT")
	wantCode(t, p.Do(t, p.tok["marketer"], withdraw, map[string]any{"id": pp.ID}), "CONFLICT")
}

func TestWithdrawReturnsToDraft(t *testing.T) {
	t.Parallel()
	p := setup(t)
	pp := p.create(t, "Our prices start at $10.")
	p.submit(t, pp.ID)
	mustOK(t, p.decide(t, approve, "legal", pp, ""))
	// Only the author withdraws.
	wantCode(t, p.Do(t, p.tok["admin"], withdraw, map[string]any{"id": pp.ID}), "FORBIDDEN")
	var out struct{ WithdrawPost post }
	p.Must(t, p.tok["marketer"], withdraw, map[string]any{"id": pp.ID, "r": "Launch moved."}, &out)
	if out.WithdrawPost.State != "DRAFT" {
		t.Fatalf("withdrawn post is %s", out.WithdrawPost.State)
	}
	if got := p.get(t, "marketer", pp.ID); got.Review.Status != "WITHDRAWN" {
		t.Fatalf("review after withdraw: %s", got.Review.Status)
	}
	// The withdrawn review takes no more decisions (the draft is not even visible to reviewers),
	// and a fresh submit starts over at stage 1.
	wantCode(t, p.decide(t, approve, "brand", pp, ""), "NOT_FOUND")
	if again := p.submit(t, pp.ID); again.Review.CurrentStage != 1 {
		t.Fatalf("resubmitted at stage %d", again.Review.CurrentStage)
	}
}

func TestConcurrentDecisionsAdvanceStageOnce(t *testing.T) {
	t.Parallel()
	p := setup(t)
	ctx := context.Background()
	// Three more legal reviewers, so four approve the legal stage (quorum ANY) at the same moment.
	for _, email := range []string{"sam@example.com", "priya@example.com", "jonas@example.com"} {
		if _, err := p.App.Pool.Exec(ctx, `UPDATE users SET groups = '{legal}', roles = roles || '{REVIEWER}' WHERE org_id = $1 AND email = $2`, p.org.ID, email); err != nil {
			t.Fatal(err)
		}
	}
	tokens := []string{p.tok["legal"], p.tok["sam"], p.org.Token(t, "priya@example.com"), p.org.Token(t, "jonas@example.com")}
	pp := p.create(t, "Save 20% this week.")
	p.submit(t, pp.ID)
	var wg sync.WaitGroup
	results := make([]*apptest.Result, len(tokens))
	for i, tok := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = p.Do(t, tok, approve, map[string]any{"in": map[string]any{"postId": pp.ID, "versionId": pp.CurrentVersion.ID}})
		}()
	}
	wg.Wait()
	var ok int
	for _, r := range results {
		switch r.Code() {
		case "":
			ok++
		case "FORBIDDEN": // the stage had already cleared
		default:
			t.Fatalf("concurrent approval: %s %v", r.Code(), r.Errors)
		}
	}
	if ok != 1 {
		t.Fatalf("%d approvals counted on a quorum-ANY stage, want exactly 1", ok)
	}
	var cleared, stage int
	if err := p.App.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE subject_id = $1 AND action = 'review.stage_cleared'`, pp.ID).Scan(&cleared); err != nil {
		t.Fatal(err)
	}
	if err := p.App.Pool.QueryRow(ctx, `SELECT current_stage FROM reviews WHERE post_id = $1`, pp.ID).Scan(&stage); err != nil {
		t.Fatal(err)
	}
	if cleared != 1 || stage != 2 {
		t.Fatalf("stage cleared %d times, review at stage %d; want once, at stage 2", cleared, stage)
	}
}

// The queue's totalCount counts everything awaiting the caller, not only the page asked for, and
// follows the reviewer's decisions.
func TestReviewQueueTotalCount(t *testing.T) {
	t.Parallel()
	p := setup(t)
	var posts []post
	for _, body := range []string{"Plans from $49/month.", "Plans from $59/month.", "Plans from $69/month."} {
		pp := p.create(t, body, "linkedin")
		p.submit(t, pp.ID)
		posts = append(posts, p.get(t, "marketer", pp.ID))
	}
	count := func(who string) (total, page int) {
		t.Helper()
		var q struct {
			ReviewQueue struct {
				TotalCount int
				Edges      []struct{ Cursor string }
			}
		}
		p.Must(t, p.tok[who], `{ reviewQueue(first: 1) { totalCount edges { cursor } } }`, nil, &q)
		return q.ReviewQueue.TotalCount, len(q.ReviewQueue.Edges)
	}
	if total, page := count("legal"); total != 3 || page != 1 {
		t.Fatalf("legal's queue: totalCount %d over a page of %d, want 3 over 1", total, page)
	}
	if total, _ := count("brand"); total != 0 {
		t.Fatalf("brand's queue before legal signed off: totalCount %d, want 0", total)
	}
	mustOK(t, p.decide(t, approve, "legal", posts[0], ""))
	if total, _ := count("legal"); total != 2 {
		t.Fatalf("legal's queue after one decision: totalCount %d, want 2", total)
	}
	if total, _ := count("brand"); total != 1 {
		t.Fatalf("brand's queue after legal cleared one: totalCount %d, want 1", total)
	}
}
