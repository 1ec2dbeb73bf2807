// Package approval decides who must review a post: workflows (ordered stages of reviewer groups
// with quorums), routing rules (CEL conditions with actions), and classifiers that label content
// before routing. It resolves a post into a frozen stage Plan; it does not store reviews.
package approval

import (
	"time"

	"github.com/google/uuid"
)

// QuorumKind says how many distinct reviewers of a group must approve.
type QuorumKind string

const (
	QuorumAny QuorumKind = "ANY" // one reviewer
	QuorumAll QuorumKind = "ALL" // every eligible member of the group
	QuorumN   QuorumKind = "N"   // N distinct reviewers
)

// Quorum is a group's sign-off requirement.
type Quorum struct {
	Kind QuorumKind `json:"kind"`
	N    int        `json:"n,omitempty"` // for QuorumN
}

// GroupRequirement is one reviewer group in a stage and its quorum.
type GroupRequirement struct {
	Group  string `json:"group"`
	Quorum Quorum `json:"quorum"`
}

// Stage is one step of a workflow: its groups sign off in parallel, each to its own quorum, and
// the stage clears when every group has.
type Stage struct {
	Name       string             `json:"name"`
	Groups     []GroupRequirement `json:"groups"`
	SLA        time.Duration      `json:"sla,omitempty"`         // 0: none
	EscalateTo string             `json:"escalate_to,omitempty"` // a group, or ""
}

// Workflow is an ordered list of stages, signed off one after another.
type Workflow struct {
	ID          uuid.UUID
	OrgID       uuid.UUID
	Name        string
	Description string
	IsDefault   bool
	Stages      []Stage
	Revision    int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ActionKind is what a matching routing rule does to the plan.
type ActionKind string

const (
	// ActionAddGroup adds Group (with Quorum) to the stage at Position, creating the stage at the
	// end when the plan has fewer stages.
	ActionAddGroup ActionKind = "ADD_GROUP"
	// ActionAddStage inserts a new stage named StageName holding Group at Position (1-based;
	// 0 means after the last stage).
	ActionAddStage ActionKind = "ADD_STAGE"
	// ActionUseWorkflow makes WorkflowID the base of the plan instead of the default workflow.
	ActionUseWorkflow ActionKind = "USE_WORKFLOW"
)

// Action is a routing rule's effect.
type Action struct {
	Kind       ActionKind    `json:"kind"`
	Group      string        `json:"group,omitempty"`
	Quorum     Quorum        `json:"quorum,omitzero"`
	Position   int           `json:"position,omitempty"`
	StageName  string        `json:"stage_name,omitempty"`
	SLA        time.Duration `json:"sla,omitempty"`
	WorkflowID *uuid.UUID    `json:"workflow_id,omitempty"`
}

// Rule is a routing rule: when Expression (CEL, over `post` and `labels`) is true, Action applies.
// Rules are applied in ascending Priority, then by name.
type Rule struct {
	ID          uuid.UUID
	OrgID       uuid.UUID
	Name        string
	Description string
	Expression  string
	Action      Action
	Priority    int
	Enabled     bool
	Revision    int
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// FailingSince is when the rule started to fail at run time (nil: it does not), LastError
	// and LastErrorAt its latest failure. A failing rule fails closed (see Resolve); the mark is
	// cleared when the rule evaluates cleanly again or is edited.
	FailingSince *time.Time
	LastError    string
	LastErrorAt  *time.Time
}

// Failing reports whether r is marked as failing at run time.
func (r *Rule) Failing() bool { return r.FailingSince != nil }

// RuleRef names a revision of a rule.
type RuleRef struct {
	RuleID   uuid.UUID `json:"rule_id"`
	Revision int       `json:"revision"`
}

// Facts are what routing sees of a post version: the CEL variable `post`.
type Facts struct {
	Body     string   `cel:"body"`
	Link     string   `cel:"link"`
	Channels []string `cel:"channels"` // platform names: "linkedin", "x", "facebook", ...
	Tags     []string `cel:"tags"`
	Category string   `cel:"category"`
	Region   string   `cel:"region"`
	HasMedia bool     `cel:"hasMedia"`
}

// Label is a classifier's finding, with the evidence that produced it.
type Label struct {
	Name     string `json:"name"`     // e.g. "pricing", "performance_claim"
	Evidence string `json:"evidence"` // the matched text
	Start    int    `json:"start"`    // byte offsets of the match in the body
	End      int    `json:"end"`
}

// ClassifierSettings are an organization's inputs to the built-in classifiers.
type ClassifierSettings struct {
	Competitors []string `json:"competitors,omitempty"`
	// Disclosures lists accepted disclosure markers (e.g. "#ad", "#sponsored"); when it is not
	// empty, a post in one of DisclosureCategories (or any post, when that list is empty) that
	// carries none of them is labelled missing_disclosure.
	Disclosures          []string `json:"disclosures,omitempty"`
	DisclosureCategories []string `json:"disclosure_categories,omitempty"`
}

// MatchedRule records a rule that shaped a plan, so the route is explainable.
type MatchedRule struct {
	RuleID uuid.UUID `json:"rule_id"`
	Name   string    `json:"name"`
	Action Action    `json:"action"`
	// Note says what the action did when that is not obvious from it: a group that also signs
	// off in another stage, a quorum kept or raised, a workflow choice overridden by an earlier
	// rule. Empty otherwise.
	Note string `json:"note,omitempty"`
	// Revision is the revision of the rule that was evaluated.
	Revision int `json:"revision,omitempty"`
	// Error is why the rule could not be evaluated or applied; empty when it matched cleanly. A
	// failed rule applies as if it matched (fails closed: see Resolve).
	Error string `json:"error,omitempty"`
}

// PlanStage is a stage of a resolved plan.
type PlanStage struct {
	Name       string             `json:"name"`
	Groups     []GroupRequirement `json:"groups"`
	SLA        time.Duration      `json:"sla,omitempty"`
	EscalateTo string             `json:"escalate_to,omitempty"`
}

// Plan is the resolved, frozen route of one submission.
type Plan struct {
	WorkflowID   *uuid.UUID    `json:"workflow_id,omitempty"`
	WorkflowName string        `json:"workflow_name,omitempty"`
	Stages       []PlanStage   `json:"stages"`
	Rules        []MatchedRule `json:"rules"`
	Labels       []Label       `json:"labels"`
	// Recovered lists the rules marked failing that evaluated cleanly for this post: their mark
	// is cleared when the submission is processed.
	Recovered []RuleRef `json:"recovered,omitempty"`
}

// FailedRules returns the rules of p that failed.
func (p Plan) FailedRules() []MatchedRule {
	var out []MatchedRule
	for _, r := range p.Rules {
		if r.Error != "" {
			out = append(out, r)
		}
	}
	return out
}
