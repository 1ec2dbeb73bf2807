package approval

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// RuleError is a routing rule that could not be applied: its expression no longer compiles, fails
// at run time (e.g. it exceeds the cost limit), or its action cannot be carried out. Resolve
// returns it rather than guess a route without the rule.
type RuleError struct {
	RuleID uuid.UUID
	Name   string
	Err    error
}

func (e *RuleError) Error() string { return fmt.Sprintf("routing rule %q: %v", e.Name, e.Err) }

func (e *RuleError) Unwrap() error { return e.Err }

// Resolve routes a post: it evaluates the enabled rules in order (ascending Priority, then Name)
// over facts and the names of labels, and builds the plan:
//
//  1. The first matching USE_WORKFLOW rule picks the base workflow from workflows; otherwise the
//     base is base (the organization's default, which may be nil: a plan with no stages).
//  2. The base's stages are copied, then the matching ADD_STAGE and ADD_GROUP actions apply in
//     rule order. ADD_STAGE inserts a stage named StageName (default: the group) holding the
//     group before stage Position (1-based; 0 or past the end: after the last stage). ADD_GROUP
//     adds the group to stage Position (0: the last stage; past the end: a new last stage named
//     StageName or the group). A group already in the target stage keeps the stricter of its two
//     quorums (ALL, then N with the larger N, then ANY). A group may sign off in several stages;
//     each is a separate sign-off, and the rule's note says so. An action's SLA applies to a
//     stage the action creates.
//
// Every matching rule is recorded in Plan.Rules, in order, and labels in Plan.Labels. A rule that
// cannot be evaluated, or a USE_WORKFLOW rule naming a workflow not in workflows, fails Resolve
// with a *RuleError: a post is never routed around a broken rule.
func Resolve(base *Workflow, workflows map[uuid.UUID]*Workflow, rules []Rule, facts Facts, labels []Label) (Plan, error) {
	names := LabelNames(labels)
	ordered := make([]Rule, 0, len(rules))
	for _, r := range rules {
		if r.Enabled {
			ordered = append(ordered, r)
		}
	}
	slices.SortStableFunc(ordered, func(a, b Rule) int {
		return cmp.Or(cmp.Compare(a.Priority, b.Priority), strings.Compare(a.Name, b.Name),
			strings.Compare(a.ID.String(), b.ID.String()))
	})
	var matched []Rule
	for _, r := range ordered {
		prg, err := Compile(r.Expression)
		if err != nil {
			return Plan{}, &RuleError{RuleID: r.ID, Name: r.Name, Err: fmt.Errorf("expression does not compile: %w", err)}
		}
		ok, err := prg.Eval(facts, names)
		if err != nil {
			return Plan{}, &RuleError{RuleID: r.ID, Name: r.Name, Err: err}
		}
		if ok {
			matched = append(matched, r)
		}
	}

	chooser := -1 // index in matched of the rule that picked the workflow
	for i, r := range matched {
		if r.Action.Kind != ActionUseWorkflow {
			continue
		}
		if r.Action.WorkflowID == nil {
			return Plan{}, &RuleError{RuleID: r.ID, Name: r.Name, Err: errors.New("USE_WORKFLOW names no workflow")}
		}
		w := workflows[*r.Action.WorkflowID]
		if w == nil {
			return Plan{}, &RuleError{RuleID: r.ID, Name: r.Name, Err: fmt.Errorf("workflow %s not found", *r.Action.WorkflowID)}
		}
		base, chooser = w, i
		break
	}

	plan := Plan{Stages: []PlanStage{}, Rules: make([]MatchedRule, 0, len(matched)), Labels: slices.Clone(labels)}
	if plan.Labels == nil {
		plan.Labels = []Label{}
	}
	if base != nil {
		id := base.ID
		plan.WorkflowID, plan.WorkflowName = &id, base.Name
		for _, s := range base.Stages {
			plan.Stages = append(plan.Stages, PlanStage{Name: s.Name, Groups: slices.Clone(s.Groups), SLA: s.SLA, EscalateTo: s.EscalateTo})
		}
	}
	for i, r := range matched {
		m := MatchedRule{RuleID: r.ID, Name: r.Name, Action: r.Action}
		switch r.Action.Kind {
		case ActionUseWorkflow:
			if i != chooser {
				m.Note = fmt.Sprintf("no effect: rule %q, which applies first, chose workflow %q", matched[chooser].Name, base.Name)
			}
		case ActionAddStage:
			m.Note = plan.addStage(r.Action)
		case ActionAddGroup:
			m.Note = plan.addGroup(r.Action)
		default:
			return Plan{}, &RuleError{RuleID: r.ID, Name: r.Name, Err: fmt.Errorf("unknown action %q", r.Action.Kind)}
		}
		plan.Rules = append(plan.Rules, m)
	}
	return plan, nil
}

// addStage applies an ADD_STAGE action and returns its note.
func (p *Plan) addStage(a Action) string {
	name := a.StageName
	if name == "" {
		name = a.Group
	}
	note := p.elsewhere(a.Group, -1)
	s := PlanStage{Name: name, Groups: []GroupRequirement{{Group: a.Group, Quorum: normalQuorum(a.Quorum)}}, SLA: a.SLA}
	if a.Position >= 1 && a.Position <= len(p.Stages) {
		p.Stages = slices.Insert(p.Stages, a.Position-1, s)
	} else {
		p.Stages = append(p.Stages, s)
	}
	return note
}

// addGroup applies an ADD_GROUP action and returns its note.
func (p *Plan) addGroup(a Action) string {
	q := normalQuorum(a.Quorum)
	i := a.Position - 1
	if a.Position <= 0 {
		i = len(p.Stages) - 1
	}
	if i < 0 || i >= len(p.Stages) {
		name := a.StageName
		if name == "" {
			name = a.Group
		}
		note := p.elsewhere(a.Group, -1)
		p.Stages = append(p.Stages, PlanStage{Name: name, Groups: []GroupRequirement{{Group: a.Group, Quorum: q}}, SLA: a.SLA})
		return note
	}
	s := &p.Stages[i]
	j := slices.IndexFunc(s.Groups, func(g GroupRequirement) bool { return g.Group == a.Group })
	if j < 0 {
		note := p.elsewhere(a.Group, i)
		s.Groups = append(s.Groups, GroupRequirement{Group: a.Group, Quorum: q})
		return note
	}
	have := s.Groups[j].Quorum
	if strictness(q) > strictness(have) {
		s.Groups[j].Quorum = q
		return fmt.Sprintf("%s already signs off in stage %q; quorum raised from %s to %s", a.Group, s.Name, quorumText(have), quorumText(q))
	}
	return fmt.Sprintf("%s already signs off in stage %q with quorum %s, which is kept", a.Group, s.Name, quorumText(have))
}

// elsewhere returns a note naming the stages other than stage skip in which group signs off.
func (p *Plan) elsewhere(group string, skip int) string {
	var in []string
	for i, s := range p.Stages {
		if i != skip && slices.ContainsFunc(s.Groups, func(g GroupRequirement) bool { return g.Group == group }) {
			in = append(in, fmt.Sprintf("%q", s.Name))
		}
	}
	if len(in) == 0 {
		return ""
	}
	return fmt.Sprintf("%s also signs off in stage %s: each stage is a separate sign-off", group, strings.Join(in, ", "))
}

// normalQuorum reads a missing quorum as ANY.
func normalQuorum(q Quorum) Quorum {
	if q.Kind == "" {
		return Quorum{Kind: QuorumAny}
	}
	return q
}

// strictness orders quorums: ANY < N (by N) < ALL.
func strictness(q Quorum) int {
	switch q.Kind {
	case QuorumAll:
		return 1 << 30
	case QuorumN:
		return 1 + max(q.N, 0)
	}
	return 0
}

func quorumText(q Quorum) string {
	if q.Kind == QuorumN {
		return fmt.Sprintf("%d reviewers", q.N)
	}
	return string(q.Kind)
}

// Explain renders p for people: the workflow, the stages in order with their groups and quorums,
// the rules that shaped it with their notes, and the labels with their evidence.
func (p Plan) Explain() string {
	var b strings.Builder
	if p.WorkflowName != "" {
		fmt.Fprintf(&b, "Workflow %q\n", p.WorkflowName)
	} else {
		b.WriteString("No base workflow\n")
	}
	if len(p.Stages) == 0 {
		b.WriteString("No stages\n")
	}
	for i, s := range p.Stages {
		groups := make([]string, len(s.Groups))
		for j, g := range s.Groups {
			groups[j] = fmt.Sprintf("%s (%s)", g.Group, quorumText(g.Quorum))
		}
		fmt.Fprintf(&b, "Stage %d %q: %s\n", i+1, s.Name, strings.Join(groups, ", "))
	}
	for _, r := range p.Rules {
		fmt.Fprintf(&b, "Rule %q: %s", r.Name, r.Action.Kind)
		if r.Action.Group != "" {
			fmt.Fprintf(&b, " %s", r.Action.Group)
		}
		if r.Note != "" {
			fmt.Fprintf(&b, " (%s)", r.Note)
		}
		b.WriteString("\n")
	}
	for _, l := range p.Labels {
		if l.Evidence != "" {
			fmt.Fprintf(&b, "Label %s: %q\n", l.Name, l.Evidence)
		} else {
			fmt.Fprintf(&b, "Label %s\n", l.Name)
		}
	}
	return b.String()
}
