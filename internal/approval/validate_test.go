package approval

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"clearpost/internal/apperr"

	"github.com/google/uuid"
)

// fields returns the input fields err names, sorted; it fails the test unless err is an
// apperr.Invalid error (or nil).
func fields(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.Invalid {
		t.Fatalf("error %v (%T) is not BAD_USER_INPUT", err, err)
	}
	if len(e.Problems) == 0 {
		return []string{e.Field}
	}
	var out []string
	for _, p := range e.Problems {
		out = append(out, p.Field)
	}
	slices.Sort(out)
	return out
}

func group(name string, q Quorum) GroupRequirement { return GroupRequirement{Group: name, Quorum: q} }

var (
	anyQ = Quorum{Kind: QuorumAny}
	allQ = Quorum{Kind: QuorumAll}
)

func nQ(n int) Quorum { return Quorum{Kind: QuorumN, N: n} }

func TestValidateWorkflow(t *testing.T) {
	t.Parallel()
	good := Stage{Name: "Legal", Groups: []GroupRequirement{group("legal", anyQ)}}
	stages := func(n int) []Stage { return slices.Repeat([]Stage{good}, n) }
	tests := []struct {
		name     string
		workflow string
		stages   []Stage
		want     []string // fields at fault
	}{
		{"valid", "Standard", []Stage{
			{Name: "Legal", Groups: []GroupRequirement{group("legal", anyQ), group("compliance", nQ(2))}, SLA: 48 * time.Hour, EscalateTo: "legal-leads"},
			{Name: "Brand", Groups: []GroupRequirement{group("brand", allQ), group("legal", anyQ)}, SLA: 90 * 24 * time.Hour},
		}, nil},
		{"twenty stages", "Long", stages(20), nil},
		{"no name", " ", stages(1), []string{"name"}},
		{"long name", strings.Repeat("n", 101), stages(1), []string{"name"}},
		{"name of 100 characters", strings.Repeat("é", 100), stages(1), nil},
		{"control character in name", "Std\x00", stages(1), []string{"name"}},
		{"no stages", "Empty", nil, []string{"stages"}},
		{"too many stages", "Long", stages(21), []string{"stages"}},
		{"too many stages are not checked one by one", "Long", slices.Repeat([]Stage{{}}, 1000), []string{"stages"}},
		{"stage without name", "W", []Stage{{Groups: good.Groups}}, []string{"stages[0].name"}},
		{"stage without groups", "W", []Stage{good, {Name: "Empty"}}, []string{"stages[1].groups"}},
		{"too many groups", "W", []Stage{{Name: "Big", Groups: func() []GroupRequirement {
			var gs []GroupRequirement
			for i := range 11 {
				gs = append(gs, group(fmt.Sprintf("g%d", i), anyQ))
			}
			return gs
		}()}}, []string{"stages[0].groups"}},
		{"bad group names", "W", []Stage{{Name: "S", Groups: []GroupRequirement{group("Legal", anyQ), group("", anyQ), group("-x", anyQ), group(strings.Repeat("a", 64), anyQ)}}},
			[]string{"stages[0].groups[0].group", "stages[0].groups[1].group", "stages[0].groups[2].group", "stages[0].groups[3].group"}},
		{"group of 63 characters", "W", []Stage{{Name: "S", Groups: []GroupRequirement{group(strings.Repeat("a", 63), anyQ)}}}, nil},
		{"duplicate group in a stage", "W", []Stage{good, {Name: "S", Groups: []GroupRequirement{group("brand", anyQ), group("brand", allQ)}}}, []string{"stages[1].groups[1].group"}},
		{"quorum kinds", "W", []Stage{{Name: "S", Groups: []GroupRequirement{group("a", Quorum{}), group("b", Quorum{Kind: "MOST"}), group("c", Quorum{Kind: "any"})}}},
			[]string{"stages[0].groups[0].quorum.kind", "stages[0].groups[1].quorum.kind", "stages[0].groups[2].quorum.kind"}},
		{"quorum n", "W", []Stage{good, {Name: "S", Groups: []GroupRequirement{group("a", nQ(0)), group("b", nQ(51)), group("c", nQ(50)), group("d", nQ(1)), group("e", Quorum{Kind: QuorumAny, N: 2}), group("f", nQ(-1))}}},
			[]string{"stages[1].groups[0].quorum.n", "stages[1].groups[1].quorum.n", "stages[1].groups[4].quorum.n", "stages[1].groups[5].quorum.n"}},
		{"sla", "W", []Stage{
			{Name: "A", Groups: good.Groups, SLA: -time.Second},
			{Name: "B", Groups: good.Groups, SLA: 90*24*time.Hour + time.Second},
		}, []string{"stages[0].slaSeconds", "stages[1].slaSeconds"}},
		{"escalation target", "W", []Stage{{Name: "A", Groups: good.Groups, EscalateTo: "VP Marketing"}}, []string{"stages[0].escalateTo"}},
		{"every problem at once", "", []Stage{{Name: "", Groups: []GroupRequirement{group("x y", nQ(99))}}},
			[]string{"name", "stages[0].groups[0].group", "stages[0].groups[0].quorum.n", "stages[0].name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateWorkflow(tt.workflow, tt.stages)
			if got := fields(t, err); !slices.Equal(got, tt.want) {
				t.Errorf("ValidateWorkflow fields = %v, want %v (error: %v)", got, tt.want, err)
			}
		})
	}
}

func TestValidateRule(t *testing.T) {
	t.Parallel()
	wf := uuid.New()
	addLegal := Action{Kind: ActionAddStage, Group: "legal", Quorum: anyQ, Position: 1}
	tests := []struct {
		name, rule, expr string
		action           Action
		want             []string
	}{
		{"add stage", "Pricing to legal", `"pricing" in labels`, addLegal, nil},
		{"add group", "LinkedIn to VP", `"linkedin" in post.channels`, Action{Kind: ActionAddGroup, Group: "vp-marketing", Quorum: nQ(2)}, nil},
		{"use workflow", "Regulated", `"regulated" in post.tags`, Action{Kind: ActionUseWorkflow, WorkflowID: &wf}, nil},
		{"no name", "", `true`, addLegal, []string{"name"}},
		{"long name", strings.Repeat("r", 101), `true`, addLegal, []string{"name"}},
		{"empty expression", "R", ``, addLegal, []string{"expression"}},
		{"bad expression", "R", `post.bdy == ""`, addLegal, []string{"expression"}},
		{"no action kind", "R", `true`, Action{}, []string{"action.kind"}},
		{"unknown action kind", "R", `true`, Action{Kind: "NOTIFY"}, []string{"action.kind"}},
		{"add without group and quorum", "R", `true`, Action{Kind: ActionAddGroup}, []string{"action.group", "action.quorum.kind"}},
		{"bad group", "R", `true`, Action{Kind: ActionAddStage, Group: "Legal Team", Quorum: anyQ}, []string{"action.group"}},
		{"bad quorum n", "R", `true`, Action{Kind: ActionAddStage, Group: "legal", Quorum: nQ(0)}, []string{"action.quorum.n"}},
		{"positions", "R", `true`, Action{Kind: ActionAddGroup, Group: "legal", Quorum: anyQ, Position: 21}, []string{"action.position"}},
		{"negative position", "R", `true`, Action{Kind: ActionAddStage, Group: "legal", Quorum: anyQ, Position: -1}, []string{"action.position"}},
		{"position 20", "R", `true`, Action{Kind: ActionAddStage, Group: "legal", Quorum: anyQ, Position: 20}, nil},
		{"long stage name", "R", `true`, Action{Kind: ActionAddStage, Group: "legal", Quorum: anyQ, StageName: strings.Repeat("s", 101)}, []string{"action.stageName"}},
		{"sla", "R", `true`, Action{Kind: ActionAddStage, Group: "legal", Quorum: anyQ, SLA: -time.Hour}, []string{"action.slaSeconds"}},
		{"use workflow without id", "R", `true`, Action{Kind: ActionUseWorkflow}, []string{"action.workflowId"}},
		{"use workflow with nil id", "R", `true`, Action{Kind: ActionUseWorkflow, WorkflowID: &uuid.Nil}, []string{"action.workflowId"}},
		{"every problem at once", "", `pst`, Action{Kind: ActionAddStage}, []string{"action.group", "action.quorum.kind", "expression", "name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateRule(tt.rule, tt.expr, tt.action)
			if got := fields(t, err); !slices.Equal(got, tt.want) {
				t.Errorf("ValidateRule fields = %v, want %v (error: %v)", got, tt.want, err)
			}
		})
	}
}

func TestValidateRuleExpressionPosition(t *testing.T) {
	t.Parallel()
	err := ValidateRule("Pricing", "\"pricing\" in labels &&\n  pst.body != \"\"", Action{Kind: ActionAddStage, Group: "legal", Quorum: anyQ})
	var e *apperr.Error
	if !errors.As(err, &e) {
		t.Fatalf("ValidateRule = %v, want an *apperr.Error", err)
	}
	if want := "line 2, column 3: undeclared reference to 'pst'"; e.Field != "expression" || e.Message != want {
		t.Errorf("got field %q, message %q; want expression, %q", e.Field, e.Message, want)
	}
}

func TestClassifierSettingsValidate(t *testing.T) {
	t.Parallel()
	many := make([]string, 201)
	for i := range many {
		many[i] = fmt.Sprintf("Rival %d", i)
	}
	tests := []struct {
		name     string
		settings ClassifierSettings
		want     []string
	}{
		{"empty", ClassifierSettings{}, nil},
		{"valid", ClassifierSettings{Competitors: []string{"Acme", "AT&T"}, Disclosures: []string{"#ad"}, DisclosureCategories: []string{"promo"}}, nil},
		{"200 entries", ClassifierSettings{Competitors: many[:200]}, nil},
		{"too many", ClassifierSettings{Competitors: many}, []string{"competitors"}},
		{"blank entries", ClassifierSettings{Competitors: []string{"Acme", " "}, Disclosures: []string{""}, DisclosureCategories: []string{"\t"}},
			[]string{"competitors[1]", "disclosureCategories[0]", "disclosures[0]"}},
		{"long entry", ClassifierSettings{Competitors: []string{strings.Repeat("x", 101), strings.Repeat("é", 100)}}, []string{"competitors[0]"}},
		{"duplicates ignoring case", ClassifierSettings{Competitors: []string{"Acme", "acme "}}, []string{"competitors[1]"}},
		{"invalid UTF-8", ClassifierSettings{Disclosures: []string{"#ad\xff"}}, []string{"disclosures[0]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.settings.Validate()
			if got := fields(t, err); !slices.Equal(got, tt.want) {
				t.Errorf("Validate fields = %v, want %v (error: %v)", got, tt.want, err)
			}
		})
	}
}

// A rule that compiles but fails at run time on ordinary posts is refused when saved, naming the
// expression field, the sample it failed on and the error; one that copes with every sample is
// accepted.
func TestValidateRuleTriesSamplePosts(t *testing.T) {
	t.Parallel()
	add := Action{Kind: ActionAddGroup, Group: "legal", Quorum: Quorum{Kind: QuorumAny}}
	for expr, want := range map[string]string{
		`post.tags[5] == "x"`:            "index out of bounds",
		`post.channels[0] == "linkedin"`: "index out of bounds",
		`post.body.split(" ")[3] == "x"`: "index out of bounds",
		`labels[0] == "pricing"`:         "index out of bounds",
		`int(post.region) > 2`:           "",
		`post.body.split("").all(a, post.body.split("").all(b, a != b || true))`: "too expensive",
	} {
		err := ValidateRule("r", expr, add)
		var e *apperr.Error
		if !errors.As(err, &e) || e.Code != apperr.Invalid || e.Field != "expression" || !strings.Contains(err.Error(), "fails on a sample post (") ||
			!strings.Contains(err.Error(), want) {
			t.Errorf("ValidateRule(%s) = %v, want Invalid on expression naming a sample and %q", expr, err, want)
		}
	}
	for _, expr := range []string{
		`size(post.tags) > 5 && post.tags[5] == "x"`,
		`post.tags.exists(t, t == "regulated") || "pricing" in labels`,
		`post.body.lowerAscii().contains("guarantee")`,
		`post.region in ["eu", "emea"] && post.category != ""`,
	} {
		if err := ValidateRule("r", expr, add); err != nil {
			t.Errorf("ValidateRule(%s) = %v, want accepted", expr, err)
		}
	}
}
