package app_test

import (
	"strings"
	"testing"
)

func TestPreviewRoutingChangesNothing(t *testing.T) {
	t.Parallel()
	p := setup(t)
	before := snapshot(t, p)
	var out struct {
		PreviewRouting struct {
			WorkflowName string
			Stages       []struct {
				Name   string
				Groups []struct{ Group string }
			}
			Rules  []struct{ Name string }
			Labels []struct {
				Name, Evidence string
				Start, End     int
			}
		}
	}
	p.Must(t, p.tok["marketer"], `query($c: PostContentInput!) { previewRouting(content: $c) {
		workflowName stages { name groups { group } } rules { name } labels { name evidence start end } } }`,
		map[string]any{"c": map[string]any{"body": "Clinically proven: cures headaches for $5. Email me at jo@example.org", "tags": []string{"regulated"}}}, &out)
	plan := out.PreviewRouting
	if plan.WorkflowName != "Standard review" {
		t.Fatalf("workflow = %q", plan.WorkflowName)
	}
	var stages []string
	for _, s := range plan.Stages {
		var g []string
		for _, x := range s.Groups {
			g = append(g, x.Group)
		}
		stages = append(stages, strings.Join(g, "+"))
	}
	// Legal first (price), compliance added to it (health claim, personal data), then brand.
	if strings.Join(stages, " > ") != "legal+compliance > brand" {
		t.Fatalf("stages = %v", stages)
	}
	labels := map[string]string{}
	for _, l := range plan.Labels {
		labels[l.Name] = l.Evidence
	}
	if labels["pricing"] == "" || labels["health_claim"] == "" || labels["personal_data"] != "jo@example.org" {
		t.Fatalf("labels = %+v", plan.Labels)
	}
	if len(plan.Rules) != 2 {
		t.Fatalf("rules = %+v", plan.Rules)
	}
	if after := snapshot(t, p); after != before {
		t.Fatalf("previewRouting changed state:\nbefore %s\nafter  %s", before, after)
	}
}

func TestInvalidCELIsRefusedWithPosition(t *testing.T) {
	t.Parallel()
	p := setup(t)
	before := snapshot(t, p)
	r := p.Do(t, p.tok["admin"], `mutation { createRoutingRule(input: {name: "typo", expression: "\"x\" in post.tgs",
		action: {kind: ADD_GROUP, group: "legal", quorum: {kind: ANY}}}) { id } }`, nil)
	wantCode(t, r, "BAD_USER_INPUT")
	e := r.Errors[0]
	if e.Extensions.Field != "expression" || !strings.Contains(e.Message, "line 1, column") || !strings.Contains(e.Message, "tgs") {
		t.Fatalf("error = %+v", e)
	}
	if after := snapshot(t, p); after != before {
		t.Fatalf("a refused rule changed state")
	}
	// The corrected rule is saved, audited, and routes.
	var out struct{ CreateRoutingRule struct{ ID string } }
	p.Must(t, p.tok["admin"], `mutation { createRoutingRule(input: {name: "X posts to compliance", priority: 5,
		expression: "\"x\" in post.channels", action: {kind: ADD_STAGE, group: "compliance", quorum: {kind: ANY}, position: 1}}) { id } }`, nil, &out)
	pp := p.create(t, "Short and sweet.", "x")
	if got := stageNames(p.submit(t, pp.ID)); strings.Join(got, ",") != "compliance,brand" {
		t.Fatalf("stages = %v", got)
	}
	p.Must(t, p.tok["admin"], `mutation($id: ID!) { updateRoutingRule(id: $id, expectedRevision: 1, input: {name: "X posts to compliance", enabled: false,
		expression: "\"x\" in post.channels", action: {kind: ADD_STAGE, group: "compliance", quorum: {kind: ANY}, position: 1}}) { revision } }`,
		map[string]any{"id": out.CreateRoutingRule.ID}, nil)
	// A stale revision is refused.
	r = p.Do(t, p.tok["admin"], `mutation($id: ID!) { updateRoutingRule(id: $id, expectedRevision: 1, input: {name: "n",
		expression: "true", action: {kind: ADD_GROUP, group: "legal", quorum: {kind: ANY}}}) { revision } }`, map[string]any{"id": out.CreateRoutingRule.ID})
	wantCode(t, r, "CONFLICT")
	p.Must(t, p.tok["admin"], `mutation($id: ID!) { deleteRoutingRule(id: $id) { id } }`, map[string]any{"id": out.CreateRoutingRule.ID}, nil)
	var rules struct {
		RoutingRules struct {
			Edges []struct{ Node struct{ Name string } }
		}
	}
	p.Must(t, p.tok["legal"], `{ routingRules { edges { node { name } } } }`, nil, &rules)
	if len(rules.RoutingRules.Edges) != 2 {
		t.Fatalf("rules after delete = %+v", rules)
	}
	// The frozen plan of the submitted post still names the deleted rule.
	var frozen struct {
		Post struct {
			Review struct {
				Plan struct{ Rules []struct{ Name string } }
			}
		}
	}
	p.Must(t, p.tok["marketer"], `query($id: ID!) { post(id: $id) { review { plan { rules { name } } } } }`, map[string]any{"id": pp.ID}, &frozen)
	if rules := frozen.Post.Review.Plan.Rules; len(rules) != 1 || rules[0].Name != "X posts to compliance" {
		t.Fatalf("frozen plan rules = %+v", rules)
	}
}

// Each bad input gets a clear error naming the field and the problem, and changes nothing.
func TestBadInputsAreRefusedAndChangeNothing(t *testing.T) {
	t.Parallel()
	p := setup(t)
	pp := p.create(t, "Existing post.")
	var me struct{ Me struct{ ID string } }
	p.Must(t, p.tok["employee"], `{ me { id } }`, nil, &me)
	long := strings.Repeat("a", 281)
	cases := []struct {
		name, who, query string
		vars             map[string]any
		code, field, msg string
	}{
		{"empty body", "marketer", createPost, map[string]any{"c": map[string]any{"body": "  "}}, "BAD_USER_INPUT", "content.body", "required"},
		{"body over X's limit", "marketer", createPost, map[string]any{"c": map[string]any{"body": long, "channels": []string{"x"}}}, "BAD_USER_INPUT", "content.body", "x accepts at most 280"},
		{"unknown channel", "marketer", createPost, map[string]any{"c": map[string]any{"body": "b", "channels": []string{"myspace"}}}, "BAD_USER_INPUT", "content.channels[0]", "not a platform"},
		{"link not http", "marketer", createPost, map[string]any{"c": map[string]any{"body": "b", "link": "javascript:alert(1)"}}, "BAD_USER_INPUT", "content.link", "not an http(s) URL"},
		{"media without alt text", "marketer", createPost, map[string]any{"c": map[string]any{"body": "b", "media": []map[string]any{{"url": "https://example.com/a.png", "altText": "", "kind": "IMAGE"}}}}, "BAD_USER_INPUT", "content.media[0].altText", "required"},
		{"bad tag", "marketer", createPost, map[string]any{"c": map[string]any{"body": "b", "tags": []string{"Not A Tag!"}}}, "BAD_USER_INPUT", "content.tags[0]", "not a tag"},
		{"stale expected version", "marketer", `mutation($id: ID!) { updatePost(id: $id, content: {body: "new"}, expectedVersion: 7) { id } }`, map[string]any{"id": pp.ID}, "CONFLICT", "", "version 1"},
		{"malformed id", "marketer", `mutation { submitPost(id: "nope") { id } }`, nil, "BAD_USER_INPUT", "", "not a valid ID"},
		{"unknown post", "marketer", `mutation { submitPost(id: "7f9d3c0e-0000-4000-8000-000000000000") { id } }`, nil, "NOT_FOUND", "", "not found"},
		{"decision on a draft", "brand", approve, map[string]any{"in": map[string]any{"postId": pp.ID, "versionId": pp.CurrentVersion.ID}}, "NOT_FOUND", "", "not found"},
		{"empty comment", "marketer", `mutation($id: ID!) { addComment(postId: $id, body: " ") { id } }`, map[string]any{"id": pp.ID}, "BAD_USER_INPUT", "body", "required"},
		{"workflow without stages", "admin", `mutation { createWorkflow(input: {name: "Empty", stages: []}) { id } }`, nil, "BAD_USER_INPUT", "stages", ""},
		{"workflow N quorum of 0", "admin", `mutation { createWorkflow(input: {name: "Zero", stages: [{name: "s", groups: [{group: "legal", quorum: {kind: N, n: 0}}]}]}) { id } }`, nil, "BAD_USER_INPUT", "stages[0].groups[0].quorum.n", ""},
		{"workflow bad group", "admin", `mutation { createWorkflow(input: {name: "Bad", stages: [{name: "s", groups: [{group: "Legal Team", quorum: {kind: ANY}}]}]}) { id } }`, nil, "BAD_USER_INPUT", "stages[0].groups[0].group", ""},
		{"duplicate workflow name", "admin", `mutation { createWorkflow(input: {name: "Standard review", stages: [{name: "s", groups: [{group: "legal", quorum: {kind: ANY}}]}]}) { id } }`, nil, "CONFLICT", "name", "already exists"},
		{"rule not returning bool", "admin", `mutation { createRoutingRule(input: {name: "r", expression: "post.body", action: {kind: ADD_GROUP, group: "legal", quorum: {kind: ANY}}}) { id } }`, nil, "BAD_USER_INPUT", "expression", "bool"},
		{"rule without group", "admin", `mutation { createRoutingRule(input: {name: "r", expression: "true", action: {kind: ADD_STAGE}}) { id } }`, nil, "BAD_USER_INPUT", "action.group", ""},
		{"rule with foreign workflow", "admin", `mutation { createRoutingRule(input: {name: "r", expression: "true", action: {kind: USE_WORKFLOW, workflowId: "7f9d3c0e-0000-4000-8000-000000000000"}}) { id } }`, nil, "BAD_USER_INPUT", "action.workflowId", ""},
		{"unknown role", "admin", `mutation($id: ID!) { setUserRoles(userId: $id, roles: [OWNER], groups: []) { id } }`, map[string]any{"id": me.Me.ID}, "GRAPHQL_VALIDATION_FAILED", "", "OWNER"},
		{"bad group name", "admin", `mutation($id: ID!) { setUserRoles(userId: $id, roles: [EMPLOYEE], groups: ["Bad Group"]) { id } }`, map[string]any{"id": me.Me.ID}, "BAD_USER_INPUT", "groups[0]", "not a group name"},
		{"page too large", "marketer", `{ posts(first: 100000) { edges { cursor } } }`, nil, "BAD_USER_INPUT", "first", "between 1 and 100"},
		{"forged cursor", "marketer", `{ posts(after: "bm9wZQ") { edges { cursor } } }`, nil, "BAD_USER_INPUT", "after", "cursor"},
		{"competitor list with a blank", "admin", `mutation { setClassifierSettings(input: {competitors: [""], disclosures: [], disclosureCategories: []}) { competitors } }`, nil, "BAD_USER_INPUT", "competitors[0]", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := snapshot(t, p)
			r := p.Do(t, p.tok[c.who], c.query, c.vars)
			if r.Code() != c.code {
				t.Fatalf("code = %q (%v), want %s", r.Code(), r.Errors, c.code)
			}
			e := r.Errors[0]
			if c.field != "" && e.Extensions.Field != c.field {
				t.Errorf("field = %q, want %q (%s)", e.Extensions.Field, c.field, e.Message)
			}
			if !strings.Contains(e.Message, c.msg) {
				t.Errorf("message %q does not say %q", e.Message, c.msg)
			}
			if after := snapshot(t, p); after != before {
				t.Errorf("refused input changed state:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}
