package approval

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"clearpost/internal/text"
)

// RuleError is a routing rule that could not be applied: its expression no longer compiles, fails
// at run time (e.g. it exceeds the cost limit), or its action cannot be carried out. Resolve does
// not fail on it: it records it on the plan (MatchedRule.Error) and fails closed.
type RuleError struct {
	RuleID uuid.UUID
	Name   string
	Err    error
}

func (e *RuleError) Error() string { return fmt.Sprintf("routing rule %q: %v", e.Name, e.Err) }

func (e *RuleError) Unwrap() error { return e.Err }

// outcome is an enabled rule that shaped the plan: it matched, or it failed (err).
type outcome struct {
	rule Rule
	err  error
}

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
// A rule that cannot be evaluated (its expression errs at run time or no longer compiles) fails
// closed: it is treated as matching, so the post gets more review, never less, and it never
// blocks the submission. Its ADD_STAGE or ADD_GROUP action applies as usual. A failing
// USE_WORKFLOW rule cannot replace the base (that could lighten the review: the rule may not
// have matched); instead the stages of its workflow are added after the plan's, leaving out
// groups that already sign off with a quorum at least as strict, so the post passes both the
// review it would have had without the rule and the one the rule asks for. A matching
// USE_WORKFLOW rule naming no known workflow, or a rule with an unknown action, has nothing to
// apply; it too is recorded as failed.
//
// Every matching or failed rule is recorded in Plan.Rules, in order, a failed one with its Error;
// labels are in Plan.Labels. Rules marked failing (Rule.FailingSince) that evaluated cleanly are
// listed in Plan.Recovered. Resolve's error is always nil; it is kept for callers.
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
	var applied []outcome
	var recovered []RuleRef
	for _, r := range ordered {
		ok, err := evalRule(r, facts, names)
		if err != nil {
			applied = append(applied, outcome{rule: r, err: err})
			continue
		}
		if r.FailingSince != nil {
			recovered = append(recovered, RuleRef{RuleID: r.ID, Revision: r.Revision})
		}
		if ok {
			applied = append(applied, outcome{rule: r})
		}
	}

	chooser := -1 // index in applied of the rule that picked the workflow
	for i, o := range applied {
		if o.err != nil || o.rule.Action.Kind != ActionUseWorkflow {
			continue
		}
		switch w := workflowOf(o.rule.Action, workflows); {
		case o.rule.Action.WorkflowID == nil:
			applied[i].err = errors.New("USE_WORKFLOW names no workflow")
		case w == nil:
			applied[i].err = fmt.Errorf("workflow %s not found", *o.rule.Action.WorkflowID)
		case chooser < 0:
			base, chooser = w, i
		}
	}

	plan := Plan{Stages: []PlanStage{}, Rules: make([]MatchedRule, 0, len(applied)), Labels: slices.Clone(labels), Recovered: recovered}
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
	for i, o := range applied {
		r := o.rule
		m := MatchedRule{RuleID: r.ID, Name: r.Name, Action: r.Action, Revision: r.Revision}
		var note string
		switch r.Action.Kind {
		case ActionUseWorkflow:
			switch {
			case o.err != nil:
				if w := workflowOf(r.Action, workflows); w != nil {
					note = plan.addWorkflow(w)
				} else {
					note = "nothing applied: its workflow is unknown"
				}
			case i != chooser:
				note = fmt.Sprintf("no effect: rule %q, which applies first, chose workflow %q", applied[chooser].rule.Name, base.Name)
			}
		case ActionAddStage:
			note = plan.addStage(r.Action)
		case ActionAddGroup:
			note = plan.addGroup(r.Action)
		default:
			if o.err == nil {
				o.err = fmt.Errorf("unknown action %q", r.Action.Kind)
			}
			note = "nothing applied: the action is unknown"
		}
		if o.err != nil {
			m.Error = text.Truncate(o.err.Error(), maxRuleErrorLength)
			m.Note = "the rule failed, so it applies as if it matched (fails closed)"
			if note != "" {
				m.Note += ": " + note
			}
		} else {
			m.Note = note
		}
		plan.Rules = append(plan.Rules, m)
	}
	return plan, nil
}

// maxRuleErrorLength bounds the error text a plan keeps of a failed rule.
const maxRuleErrorLength = 500

// evalRule evaluates r's expression.
func evalRule(r Rule, facts Facts, labels []string) (bool, error) {
	prg, err := Compile(r.Expression)
	if err != nil {
		return false, fmt.Errorf("expression does not compile: %w", err)
	}
	return prg.Eval(facts, labels)
}

// workflowOf returns the workflow a USE_WORKFLOW action names, or nil.
func workflowOf(a Action, workflows map[uuid.UUID]*Workflow) *Workflow {
	if a.WorkflowID == nil {
		return nil
	}
	return workflows[*a.WorkflowID]
}

// addWorkflow appends the stages of w (of a failed USE_WORKFLOW rule) after the plan's, without
// the groups that already sign off in the plan with a quorum at least as strict, and returns the
// rule's note.
func (p *Plan) addWorkflow(w *Workflow) string {
	var added []string
	for _, s := range w.Stages {
		var groups []GroupRequirement
		for _, g := range s.Groups {
			q := normalQuorum(g.Quorum)
			if !p.signsOffAtLeast(g.Group, q) {
				groups = append(groups, GroupRequirement{Group: g.Group, Quorum: q})
			}
		}
		if len(groups) == 0 {
			continue
		}
		p.Stages = append(p.Stages, PlanStage{Name: s.Name, Groups: groups, SLA: s.SLA, EscalateTo: s.EscalateTo})
		added = append(added, fmt.Sprintf("%q", s.Name))
	}
	if len(added) == 0 {
		return fmt.Sprintf("every group of workflow %q already signs off", w.Name)
	}
	return fmt.Sprintf("the stages %s of workflow %q were added after the plan's", strings.Join(added, ", "), w.Name)
}

// signsOffAtLeast reports whether group signs off in some stage of p with a quorum at least as
// strict as q.
func (p *Plan) signsOffAtLeast(group string, q Quorum) bool {
	for _, s := range p.Stages {
		for _, g := range s.Groups {
			if g.Group == group && strictness(g.Quorum) >= strictness(q) {
				return true
			}
		}
	}
	return false
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
		if r.Error != "" {
			fmt.Fprintf(&b, " [failed: %s]", r.Error)
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
