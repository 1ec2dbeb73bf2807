package app_test

import (
	"context"
	"strings"
	"testing"
	"time"
)

const (
	rulesQuery     = `{ routingRules { edges { node { id name expression enabled revision failing failingSince lastError lastErrorAt action { kind group position stageName } } } } }`
	workflowsQuery = `{ workflows { edges { node { id name isDefault revision } } } }`
)

type ruleNode struct {
	ID, Name, Expression string
	Enabled, Failing     bool
	Revision             int
	FailingSince         *time.Time
	LastError            string
	LastErrorAt          *time.Time
}

func (p *pipeline) rules(t *testing.T, who string) map[string]ruleNode {
	t.Helper()
	var out struct {
		RoutingRules struct{ Edges []struct{ Node ruleNode } }
	}
	p.Must(t, p.tok[who], rulesQuery, nil, &out)
	m := map[string]ruleNode{}
	for _, e := range out.RoutingRules.Edges {
		m[e.Node.Name] = e.Node
	}
	return m
}

// Routing rules, workflows and classifier settings decide who reviews a post: only admins change
// them. A marketer (who authors the posts they route), a reviewer or an employee is refused and
// changes nothing; marketers and reviewers still read them (and marketers preview routes); every admin change
// is audited with its actor.
func TestRoutingConfigurationIsForAdmins(t *testing.T) {
	t.Parallel()
	p := setup(t)
	legal := p.rules(t, "marketer")["Claims and prices to legal"]
	var wfs struct {
		Workflows struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	p.Must(t, p.tok["legal"], workflowsQuery, nil, &wfs)
	if legal.ID == "" || len(wfs.Workflows.Edges) == 0 {
		t.Fatalf("marketers and reviewers read the routing: rule %+v, workflows %+v", legal, wfs)
	}
	p.Must(t, p.tok["marketer"], `query($c: PostContentInput!) { previewRouting(content: $c) { stages { name } } }`,
		map[string]any{"c": map[string]any{"body": "From $49 a month."}}, nil)

	action := `action: {kind: ADD_STAGE, group: "legal", quorum: {kind: ANY}, position: 1, stageName: "Legal review"}`
	changes := map[string]struct {
		query string
		vars  map[string]any
	}{
		"disable a rule": {`mutation($id: ID!) { updateRoutingRule(id: $id, input: {name: "Claims and prices to legal", enabled: false,
			expression: "\"pricing\" in labels", ` + action + `}) { id } }`, map[string]any{"id": legal.ID}},
		"create a rule":        {`mutation { createRoutingRule(input: {name: "mine", expression: "false", ` + action + `}) { id } }`, nil},
		"delete a rule":        {`mutation($id: ID!) { deleteRoutingRule(id: $id) { id } }`, map[string]any{"id": legal.ID}},
		"create a workflow":    {`mutation { createWorkflow(input: {name: "Light", isDefault: true, stages: [{name: "s", groups: [{group: "brand", quorum: {kind: ANY}}]}]}) { id } }`, nil},
		"update a workflow":    {`mutation($id: ID!) { updateWorkflow(id: $id, input: {name: "Standard review", isDefault: true, stages: [{name: "s", groups: [{group: "brand", quorum: {kind: ANY}}]}]}) { id } }`, map[string]any{"id": wfs.Workflows.Edges[0].Node.ID}},
		"set classifier input": {`mutation { setClassifierSettings(input: {competitors: [], disclosures: [], disclosureCategories: []}) { competitors } }`, nil},
	}
	for _, who := range []string{"marketer", "legal", "employee"} {
		for name, c := range changes {
			before := snapshot(t, p)
			if r := p.Do(t, p.tok[who], c.query, c.vars); r.Code() != "FORBIDDEN" {
				t.Errorf("%s may %s: %q %v, want FORBIDDEN", who, name, r.Code(), r.Errors)
			}
			if after := snapshot(t, p); after != before {
				t.Errorf("%s's refused %s changed state", who, name)
			}
		}
	}
	// The rule still routes a pricing claim to legal.
	if got := stageNames(p.submit(t, p.create(t, "Plans from $49 a month.").ID)); strings.Join(got, ",") != "legal,brand" {
		t.Fatalf("stages = %v, want legal before brand", got)
	}

	// An admin may, and it is audited with the admin as the actor.
	p.Must(t, p.tok["admin"], changes["disable a rule"].query, changes["disable a rule"].vars, nil)
	if p.rules(t, "marketer")["Claims and prices to legal"].Enabled {
		t.Fatal("the admin's change did not apply")
	}
	var actor string
	var enabledBefore, enabledAfter bool
	if err := p.App.Pool.QueryRow(context.Background(), `SELECT e.actor_email, (e.details->'before'->>'enabled')::boolean, (e.details->'after'->>'enabled')::boolean
		FROM audit_events e JOIN users u ON u.id = e.actor_id
		WHERE e.action = 'routing_rule.updated' AND e.subject_id = $1`, legal.ID).Scan(&actor, &enabledBefore, &enabledAfter); err != nil {
		t.Fatalf("audit event of the admin's change: %v", err)
	}
	if actor != "admin@example.com" || !enabledBefore || enabledAfter {
		t.Fatalf("audited as %q, enabled %v -> %v", actor, enabledBefore, enabledAfter)
	}
}

// A rule that errs at run time on ordinary posts is refused when saved; one that errs anyway
// (saved before that check, here written in SQL) lets every submission through with its stage
// added (fails closed), is shown as failing with its error, and the admins are told once.
func TestRuleFailingAtRunTimeDoesNotBlockSubmissions(t *testing.T) {
	t.Parallel()
	p := queued(t)
	before := snapshot(t, p)
	r := p.Do(t, p.tok["admin"], `mutation { createRoutingRule(input: {name: "Sixth tag", expression: "post.tags[5] == \"x\"",
		action: {kind: ADD_STAGE, group: "compliance", quorum: {kind: ANY}, position: 1}}) { id } }`, nil)
	wantCode(t, r, "BAD_USER_INPUT")
	if e := r.Errors[0]; e.Extensions.Field != "expression" || !strings.Contains(e.Message, "index out of bounds") || !strings.Contains(e.Message, "sample") {
		t.Fatalf("error = %+v, want the expression field, the sample and the error", e)
	}
	if after := snapshot(t, p); after != before {
		t.Fatal("a refused rule changed state")
	}

	if _, err := p.App.Pool.Exec(context.Background(), `INSERT INTO routing_rules (org_id, name, expression, action)
		VALUES ($1, 'Sixth tag', 'post.tags[5] == "x"', '{"kind": "ADD_STAGE", "group": "compliance", "quorum": {"kind": "ANY"}, "position": 1}')`, p.org.ID); err != nil {
		t.Fatal(err)
	}
	for i, body := range []string{"Hello world.", "Hello again."} {
		pp := p.submit(t, p.create(t, body).ID)
		if pp.State != "IN_REVIEW" || strings.Join(stageNames(pp), ",") != "compliance,brand" {
			t.Fatalf("submission %d: %s with stages %v, want IN_REVIEW with the failing rule's stage first", i+1, pp.State, stageNames(pp))
		}
		// The worker marks the rule when it handles the submission's outbox event.
		var rule ruleNode
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if rule = p.rules(t, "marketer")["Sixth tag"]; rule.Failing {
				break
			}
		}
		p.waitRelayed(t)
		if !rule.Failing || rule.FailingSince == nil || rule.LastErrorAt == nil || !strings.Contains(rule.LastError, "index out of bounds") {
			t.Fatalf("submission %d: rule %+v, want failing with its error", i+1, rule)
		}
	}
	var frozen struct {
		Post struct {
			Review struct {
				Plan struct {
					Rules []struct{ Name, Error, Note string }
				}
			}
		}
	}
	var id string
	if err := p.App.Pool.QueryRow(context.Background(), `SELECT post_id FROM reviews ORDER BY submitted_at LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	p.Must(t, p.tok["marketer"], `query($id: ID!) { post(id: $id) { review { plan { rules { name error note } } } } }`, map[string]any{"id": id}, &frozen)
	if rules := frozen.Post.Review.Plan.Rules; len(rules) != 1 || rules[0].Name != "Sixth tag" || !strings.Contains(rules[0].Error, "index out of bounds") {
		t.Fatalf("plan rules = %+v, want the failure recorded", rules)
	}
	var admins, others int
	if err := p.App.Pool.QueryRow(context.Background(), `SELECT
		count(*) FILTER (WHERE 'ADMIN' = ANY(u.claim_roles || u.roles)), count(*) FILTER (WHERE NOT 'ADMIN' = ANY(u.claim_roles || u.roles))
		FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.kind = 'ROUTING_RULE_FAILING'`).Scan(&admins, &others); err != nil {
		t.Fatal(err)
	}
	if admins != 1 || others != 0 {
		t.Fatalf("%d admin and %d other notifications after two failing submissions, want one for the one admin", admins, others)
	}
	var n struct {
		Notifications struct {
			Edges []struct{ Node struct{ Kind, Title string } }
		}
	}
	p.Must(t, p.tok["admin"], `{ notifications { edges { node { kind title } } } }`, nil, &n)
	if len(n.Notifications.Edges) != 1 || n.Notifications.Edges[0].Node.Kind != "ROUTING_RULE_FAILING" || !strings.Contains(n.Notifications.Edges[0].Node.Title, "Sixth tag") {
		t.Fatalf("admin's notifications = %+v", n)
	}
}

// waitRelayed waits until the outbox is relayed and the queue has run every task.
func (p *pipeline) waitRelayed(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var pending int
		if err := p.App.Pool.QueryRow(context.Background(), `SELECT count(*) FROM outbox WHERE relayed_at IS NULL`).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d outbox rows still unrelayed", pending)
		}
	}
	p.waitTasksDone(t, 10*time.Second)
}
