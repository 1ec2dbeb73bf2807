package approval

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func rule(name, expr string, priority int, a Action) Rule {
	return Rule{ID: uuid.New(), Name: name, Expression: expr, Action: a, Priority: priority, Enabled: true}
}

// shape renders a plan's stages as "Name[group:QUORUM ...]" for compact comparison.
func shape(p Plan) []string {
	out := []string{}
	for _, s := range p.Stages {
		var gs []string
		for _, g := range s.Groups {
			gs = append(gs, g.Group+":"+quorumText(g.Quorum))
		}
		out = append(out, s.Name+"["+strings.Join(gs, " ")+"]")
	}
	return out
}

func ruleNames(p Plan) []string {
	out := []string{}
	for _, r := range p.Rules {
		out = append(out, r.Name)
	}
	return out
}

func standard() *Workflow {
	return &Workflow{ID: uuid.New(), Name: "Standard", IsDefault: true, Stages: []Stage{
		{Name: "Brand review", Groups: []GroupRequirement{group("brand", anyQ)}, SLA: 24 * time.Hour, EscalateTo: "brand-leads"},
	}}
}

// The example the product must support: pricing goes to legal first, LinkedIn adds the VP of
// Marketing to the last stage, regulated content (not this post) goes to compliance.
func TestResolveProductExample(t *testing.T) {
	t.Parallel()
	base := standard()
	rules := []Rule{
		rule("Regulated to compliance", `"regulated" in post.tags`, 0, Action{Kind: ActionAddStage, Group: "compliance", Quorum: anyQ}),
		rule("Pricing to legal", `"pricing" in labels`, 0, Action{Kind: ActionAddStage, Group: "legal", Position: 1, Quorum: anyQ}),
		rule("LinkedIn to VP", `"linkedin" in post.channels`, 0, Action{Kind: ActionAddGroup, Group: "vp-marketing", Position: 0, Quorum: anyQ}),
	}
	facts := Facts{Body: "Our new plan costs $49/month", Channels: []string{"linkedin"}}
	labels := Classify(facts.Body, facts, ClassifierSettings{})

	plan, err := Resolve(base, nil, rules, facts, labels)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := shape(plan), []string{"legal[legal:ANY]", "Brand review[brand:ANY vp-marketing:ANY]"}; !slices.Equal(got, want) {
		t.Errorf("stages = %v, want %v", got, want)
	}
	if got, want := ruleNames(plan), []string{"LinkedIn to VP", "Pricing to legal"}; !slices.Equal(got, want) {
		t.Errorf("rules = %v, want %v (same priority: by name)", got, want)
	}
	if plan.WorkflowID == nil || *plan.WorkflowID != base.ID || plan.WorkflowName != "Standard" {
		t.Errorf("workflow = %v %q, want the default", plan.WorkflowID, plan.WorkflowName)
	}
	if !reflect.DeepEqual(plan.Labels, []Label{{Name: "pricing", Evidence: "$49", Start: 19, End: 22}}) {
		t.Errorf("labels = %+v", plan.Labels)
	}
	if s := plan.Stages[1]; s.SLA != 24*time.Hour || s.EscalateTo != "brand-leads" {
		t.Errorf("the base stage lost its SLA or escalation: %+v", s)
	}
	if len(base.Stages[0].Groups) != 1 {
		t.Errorf("Resolve changed the base workflow: %+v", base.Stages)
	}

	// The same post, tagged regulated, also goes to compliance, last.
	facts.Tags = []string{"regulated"}
	plan, err = Resolve(base, nil, rules, facts, labels)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := shape(plan), []string{"legal[legal:ANY]", "Brand review[brand:ANY vp-marketing:ANY]", "compliance[compliance:ANY]"}; !slices.Equal(got, want) {
		t.Errorf("regulated: stages = %v, want %v", got, want)
	}
	explained := plan.Explain()
	for _, want := range []string{`Workflow "Standard"`, `Stage 1 "legal": legal (ANY)`, `Stage 2 "Brand review": brand (ANY), vp-marketing (ANY)`,
		`Rule "Pricing to legal": ADD_STAGE legal`, `Label pricing: "$49"`} {
		if !strings.Contains(explained, want) {
			t.Errorf("Explain() = %s\nwant it to contain %s", explained, want)
		}
	}
}

func TestResolveActions(t *testing.T) {
	t.Parallel()
	base := &Workflow{ID: uuid.New(), Name: "Two", Stages: []Stage{
		{Name: "Legal", Groups: []GroupRequirement{group("legal", anyQ)}},
		{Name: "Brand", Groups: []GroupRequirement{group("brand", nQ(2))}},
	}}
	tests := []struct {
		name   string
		base   *Workflow
		action Action
		want   []string
		note   string // a substring of the rule's note; "" for none
	}{
		{"stage at 1", base, Action{Kind: ActionAddStage, Group: "exec", Quorum: allQ, Position: 1, StageName: "Executives"},
			[]string{"Executives[exec:ALL]", "Legal[legal:ANY]", "Brand[brand:2 reviewers]"}, ""},
		{"stage at 2", base, Action{Kind: ActionAddStage, Group: "exec", Quorum: anyQ, Position: 2},
			[]string{"Legal[legal:ANY]", "exec[exec:ANY]", "Brand[brand:2 reviewers]"}, ""},
		{"stage at 0 appends", base, Action{Kind: ActionAddStage, Group: "exec", Quorum: anyQ},
			[]string{"Legal[legal:ANY]", "Brand[brand:2 reviewers]", "exec[exec:ANY]"}, ""},
		{"stage past the end appends", base, Action{Kind: ActionAddStage, Group: "exec", Quorum: anyQ, Position: 9},
			[]string{"Legal[legal:ANY]", "Brand[brand:2 reviewers]", "exec[exec:ANY]"}, ""},
		{"stage with a group signing elsewhere", base, Action{Kind: ActionAddStage, Group: "legal", Quorum: anyQ},
			[]string{"Legal[legal:ANY]", "Brand[brand:2 reviewers]", "legal[legal:ANY]"}, `legal also signs off in stage "Legal"`},
		{"stage without quorum means ANY", base, Action{Kind: ActionAddStage, Group: "exec"},
			[]string{"Legal[legal:ANY]", "Brand[brand:2 reviewers]", "exec[exec:ANY]"}, ""},
		{"group at 0 joins the last stage", base, Action{Kind: ActionAddGroup, Group: "vp", Quorum: anyQ},
			[]string{"Legal[legal:ANY]", "Brand[brand:2 reviewers vp:ANY]"}, ""},
		{"group at 1", base, Action{Kind: ActionAddGroup, Group: "vp", Quorum: anyQ, Position: 1},
			[]string{"Legal[legal:ANY vp:ANY]", "Brand[brand:2 reviewers]"}, ""},
		{"group past the end makes a stage", base, Action{Kind: ActionAddGroup, Group: "vp", Quorum: anyQ, Position: 3},
			[]string{"Legal[legal:ANY]", "Brand[brand:2 reviewers]", "vp[vp:ANY]"}, ""},
		{"group past the end with a stage name", base, Action{Kind: ActionAddGroup, Group: "vp", Quorum: anyQ, Position: 7, StageName: "VP"},
			[]string{"Legal[legal:ANY]", "Brand[brand:2 reviewers]", "VP[vp:ANY]"}, ""},
		{"group signing in an earlier stage", base, Action{Kind: ActionAddGroup, Group: "legal", Quorum: anyQ},
			[]string{"Legal[legal:ANY]", "Brand[brand:2 reviewers legal:ANY]"}, `legal also signs off in stage "Legal"`},
		{"group signing in a later stage", base, Action{Kind: ActionAddGroup, Group: "brand", Quorum: anyQ, Position: 1},
			[]string{"Legal[legal:ANY brand:ANY]", "Brand[brand:2 reviewers]"}, `brand also signs off in stage "Brand"`},
		{"present: ALL raises ANY", base, Action{Kind: ActionAddGroup, Group: "legal", Quorum: allQ, Position: 1},
			[]string{"Legal[legal:ALL]", "Brand[brand:2 reviewers]"}, "quorum raised from ANY to ALL"},
		{"present: larger N raises N", base, Action{Kind: ActionAddGroup, Group: "brand", Quorum: nQ(3)},
			[]string{"Legal[legal:ANY]", "Brand[brand:3 reviewers]"}, "quorum raised from 2 reviewers to 3 reviewers"},
		{"present: smaller N keeps N", base, Action{Kind: ActionAddGroup, Group: "brand", Quorum: nQ(1)},
			[]string{"Legal[legal:ANY]", "Brand[brand:2 reviewers]"}, "with quorum 2 reviewers, which is kept"},
		{"present: ANY keeps N", base, Action{Kind: ActionAddGroup, Group: "brand", Quorum: anyQ, Position: 2},
			[]string{"Legal[legal:ANY]", "Brand[brand:2 reviewers]"}, "which is kept"},
		{"present: N raises ANY", base, Action{Kind: ActionAddGroup, Group: "legal", Quorum: nQ(2), Position: 1},
			[]string{"Legal[legal:2 reviewers]", "Brand[brand:2 reviewers]"}, "raised from ANY to 2 reviewers"},
		{"no base: group makes the only stage", nil, Action{Kind: ActionAddGroup, Group: "legal", Quorum: anyQ},
			[]string{"legal[legal:ANY]"}, ""},
		{"no base: stage at 1", nil, Action{Kind: ActionAddStage, Group: "legal", Quorum: anyQ, Position: 1, SLA: time.Hour},
			[]string{"legal[legal:ANY]"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			plan, err := Resolve(tt.base, nil, []Rule{rule("R", "true", 0, tt.action)}, Facts{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := shape(plan); !slices.Equal(got, tt.want) {
				t.Errorf("stages = %v, want %v", got, tt.want)
			}
			if note := plan.Rules[0].Note; (tt.note == "") != (note == "") || !strings.Contains(note, tt.note) {
				t.Errorf("note = %q, want %q", note, tt.note)
			}
		})
	}
	t.Cleanup(func() {
		// After every subtest (they share base): Resolve works on a copy.
		if len(base.Stages) != 2 || len(base.Stages[0].Groups) != 1 || base.Stages[0].Groups[0].Quorum != anyQ ||
			len(base.Stages[1].Groups) != 1 || base.Stages[1].Groups[0].Quorum != nQ(2) {
			t.Errorf("Resolve changed the base workflow: %+v", base.Stages)
		}
	})
}

func TestResolveActionSLA(t *testing.T) {
	t.Parallel()
	rules := []Rule{
		rule("a", "true", 1, Action{Kind: ActionAddStage, Group: "legal", Quorum: anyQ, SLA: 2 * time.Hour}),
		rule("b", "true", 2, Action{Kind: ActionAddGroup, Group: "vp", Quorum: anyQ, Position: 5, SLA: 3 * time.Hour}),
		rule("c", "true", 3, Action{Kind: ActionAddGroup, Group: "cfo", Quorum: anyQ, Position: 1, SLA: time.Minute}),
	}
	plan, err := Resolve(nil, nil, rules, Facts{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := []time.Duration{plan.Stages[0].SLA, plan.Stages[1].SLA}; got[0] != 2*time.Hour || got[1] != 3*time.Hour {
		t.Errorf("SLAs = %v, want [2h 3h]: an action's SLA applies to the stage it creates, only", got)
	}
}

func TestResolveOrder(t *testing.T) {
	t.Parallel()
	rules := []Rule{
		rule("b", "true", 1, Action{Kind: ActionAddStage, Group: "b", Quorum: anyQ}),
		rule("z", "true", 0, Action{Kind: ActionAddStage, Group: "z", Quorum: anyQ}),
		rule("a", "true", 1, Action{Kind: ActionAddStage, Group: "a", Quorum: anyQ}),
		rule("off", "true", -5, Action{Kind: ActionAddStage, Group: "off", Quorum: anyQ}),
		rule("no", "false", -1, Action{Kind: ActionAddStage, Group: "no", Quorum: anyQ}),
		rule("first", "true", -2, Action{Kind: ActionAddStage, Group: "first", Quorum: anyQ, Position: 1}),
	}
	rules[3].Enabled = false
	plan, err := Resolve(nil, nil, rules, Facts{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ruleNames(plan), []string{"first", "z", "a", "b"}; !slices.Equal(got, want) {
		t.Errorf("rules = %v, want %v", got, want)
	}
	if got, want := shape(plan), []string{"first[first:ANY]", "z[z:ANY]", "a[a:ANY]", "b[b:ANY]"}; !slices.Equal(got, want) {
		t.Errorf("stages = %v, want %v", got, want)
	}
	if plan.WorkflowID != nil || plan.WorkflowName != "" {
		t.Errorf("no base workflow, got %v %q", plan.WorkflowID, plan.WorkflowName)
	}
}

func TestResolveUseWorkflow(t *testing.T) {
	t.Parallel()
	base := standard()
	regulated := &Workflow{ID: uuid.New(), Name: "Regulated", Stages: []Stage{
		{Name: "Compliance", Groups: []GroupRequirement{group("compliance", allQ)}},
		{Name: "Legal", Groups: []GroupRequirement{group("legal", anyQ)}},
	}}
	other := &Workflow{ID: uuid.New(), Name: "Other", Stages: []Stage{{Name: "X", Groups: []GroupRequirement{group("x", anyQ)}}}}
	workflows := map[uuid.UUID]*Workflow{base.ID: base, regulated.ID: regulated, other.ID: other}
	rules := []Rule{
		rule("Regulated workflow", `"regulated" in post.tags`, 1, Action{Kind: ActionUseWorkflow, WorkflowID: &regulated.ID}),
		rule("Other workflow", `"regulated" in post.tags`, 2, Action{Kind: ActionUseWorkflow, WorkflowID: &other.ID}),
		// Applied after the workflow is chosen, whatever its priority.
		rule("VP first", `true`, 0, Action{Kind: ActionAddGroup, Group: "vp", Quorum: anyQ}),
	}

	plan, err := Resolve(base, workflows, rules, Facts{Tags: []string{"regulated"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if plan.WorkflowID == nil || *plan.WorkflowID != regulated.ID || plan.WorkflowName != "Regulated" {
		t.Errorf("workflow = %v %q, want Regulated", plan.WorkflowID, plan.WorkflowName)
	}
	if got, want := shape(plan), []string{"Compliance[compliance:ALL]", "Legal[legal:ANY vp:ANY]"}; !slices.Equal(got, want) {
		t.Errorf("stages = %v, want %v", got, want)
	}
	if got, want := ruleNames(plan), []string{"VP first", "Regulated workflow", "Other workflow"}; !slices.Equal(got, want) {
		t.Errorf("rules = %v, want %v", got, want)
	}
	if plan.Rules[1].Note != "" || !strings.Contains(plan.Rules[2].Note, `no effect: rule "Regulated workflow"`) {
		t.Errorf("notes = %q, %q", plan.Rules[1].Note, plan.Rules[2].Note)
	}

	plan, err = Resolve(base, workflows, rules, Facts{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if *plan.WorkflowID != base.ID || !slices.Equal(shape(plan), []string{"Brand review[brand:ANY vp:ANY]"}) {
		t.Errorf("without the tag: %v %v, want the default workflow", plan.WorkflowName, shape(plan))
	}
}

// A rule that cannot be evaluated or applied never fails Resolve: it fails closed (its stage or
// group is added) and is recorded on the plan with its error.
func TestResolveFailsClosed(t *testing.T) {
	t.Parallel()
	missing := uuid.New()
	legal := Action{Kind: ActionAddStage, Group: "legal", StageName: "Legal"}
	tests := []struct {
		name   string
		rule   Rule
		want   string // in the recorded error
		stages string // the plan's shape
	}{
		{"unknown workflow", rule("Use missing", "true", 0, Action{Kind: ActionUseWorkflow, WorkflowID: &missing}), "workflow " + missing.String() + " not found", "Brand[brand:ANY]"},
		{"no workflow id", rule("Use nothing", "true", 0, Action{Kind: ActionUseWorkflow}), "names no workflow", "Brand[brand:ANY]"},
		{"expression does not compile", rule("Broken", "post.bdy == ''", 0, legal), "undefined field 'bdy'", "Brand[brand:ANY]; Legal[legal:ANY]"},
		{"runtime error", rule("Index", "post.tags[3] == 'x'", 0, legal), "index out of bounds", "Brand[brand:ANY]; Legal[legal:ANY]"},
		{"cost limit", rule("Hog", `post.body.split("").all(a, post.body.split("").all(b, a != b || true))`, 0, legal), "too expensive", "Brand[brand:ANY]; Legal[legal:ANY]"},
		{"unknown action", rule("Notify", "true", 0, Action{Kind: "NOTIFY"}), `unknown action "NOTIFY"`, "Brand[brand:ANY]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ok := rule("Fine", "true", -1, Action{Kind: ActionAddStage, Group: "brand", StageName: "Brand"})
			plan, err := Resolve(nil, map[uuid.UUID]*Workflow{}, []Rule{ok, tt.rule}, Facts{Body: strings.Repeat("xy", 5000)}, nil)
			if err != nil {
				t.Fatalf("Resolve = %v, want a plan", err)
			}
			if len(plan.Rules) != 2 || plan.Rules[0].Error != "" || plan.Rules[1].RuleID != tt.rule.ID ||
				!strings.Contains(plan.Rules[1].Error, tt.want) || !strings.Contains(plan.Rules[1].Note, "fails closed") {
				t.Fatalf("rules = %+v, want %q failed with %q", plan.Rules, tt.rule.Name, tt.want)
			}
			if got := strings.Join(shape(plan), "; "); got != tt.stages {
				t.Errorf("stages = %s, want %s", got, tt.stages)
			}
			if failed := plan.FailedRules(); len(failed) != 1 || failed[0].Name != tt.rule.Name {
				t.Errorf("FailedRules = %+v", failed)
			}
			if !strings.Contains(plan.Explain(), "[failed: ") {
				t.Errorf("Explain() does not show the failure: %s", plan.Explain())
			}
		})
	}

	// A disabled rule is not evaluated, broken or not.
	broken := rule("Broken", "post.bdy", 0, Action{Kind: ActionAddStage, Group: "legal"})
	broken.Enabled = false
	if plan, err := Resolve(nil, nil, []Rule{broken}, Facts{}, nil); err != nil || len(plan.Rules) != 0 {
		t.Errorf("disabled broken rule: %+v, %v", plan.Rules, err)
	}
}

// A failing USE_WORKFLOW rule cannot tell whether its workflow applies: the post keeps the base
// review and gets the workflow's stages too, without groups that already sign off as strictly.
func TestResolveFailingWorkflowRuleAddsItsStages(t *testing.T) {
	t.Parallel()
	regulated := &Workflow{ID: uuid.New(), Name: "Regulated", Stages: []Stage{
		{Name: "Legal", Groups: []GroupRequirement{{Group: "legal", Quorum: Quorum{Kind: QuorumAny}}}},
		{Name: "Compliance", Groups: []GroupRequirement{{Group: "compliance", Quorum: Quorum{Kind: QuorumAll}}, {Group: "brand", Quorum: Quorum{Kind: QuorumAny}}}},
	}}
	workflows := map[uuid.UUID]*Workflow{regulated.ID: regulated}
	use := rule("Regulated posts", "post.tags[0] == 'regulated'", 0, Action{Kind: ActionUseWorkflow, WorkflowID: &regulated.ID})
	plan, err := Resolve(standard(), workflows, []Rule{use}, Facts{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if plan.WorkflowName != standard().Name {
		t.Errorf("workflow = %q, want the base kept", plan.WorkflowName)
	}
	if got, want := strings.Join(shape(plan), "; "), "Brand review[brand:ANY]; Legal[legal:ANY]; Compliance[compliance:ALL]"; got != want {
		t.Errorf("stages = %s, want %s", got, want)
	}
	if len(plan.Rules) != 1 || !strings.Contains(plan.Rules[0].Error, "index out of bounds") || !strings.Contains(plan.Rules[0].Note, `workflow "Regulated"`) {
		t.Errorf("rules = %+v", plan.Rules)
	}
	// The same rule evaluating cleanly picks the workflow, and a rule that was marked failing is
	// listed as recovered.
	now := time.Now()
	use.FailingSince = &now
	plan, err = Resolve(standard(), workflows, []Rule{use}, Facts{Tags: []string{"regulated"}}, nil)
	if err != nil || plan.WorkflowName != "Regulated" || len(plan.Recovered) != 1 || plan.Recovered[0].RuleID != use.ID {
		t.Errorf("clean evaluation: %+v %v", plan, err)
	}
}

func TestResolveEmpty(t *testing.T) {
	t.Parallel()
	plan, err := Resolve(nil, nil, nil, Facts{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Stages == nil || plan.Rules == nil || plan.Labels == nil || len(plan.Stages)+len(plan.Rules)+len(plan.Labels) != 0 || plan.WorkflowID != nil {
		t.Errorf("empty plan = %#v, want empty (not nil) lists", plan)
	}
	if got := plan.Explain(); !strings.Contains(got, "No base workflow") || !strings.Contains(got, "No stages") {
		t.Errorf("Explain() = %q", got)
	}
}
