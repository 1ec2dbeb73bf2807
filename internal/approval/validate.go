package approval

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/text"

	"github.com/google/uuid"
)

// Limits on workflows, rules and classifier settings.
const (
	maxNameLength        = 100
	maxStages            = 20
	maxGroupsPerStage    = 10
	maxQuorumN           = 50
	maxSLA               = 90 * 24 * time.Hour
	maxActionPosition    = maxStages
	maxSettingsEntries   = 200
	maxSettingsEntrySize = 100
)

// ValidateWorkflow reports every problem with a workflow's name and stages at once, each naming
// its GraphQL input field (e.g. "stages[1].groups[0].quorum.n").
func ValidateWorkflow(name string, stages []Stage) error {
	var p apperr.Problems
	checkText(&p, "name", name, maxNameLength, true)
	switch {
	case len(stages) == 0:
		p.Add("stages", "a workflow needs at least one stage")
	case len(stages) > maxStages:
		p.Add("stages", "has %d stages; at most %d are allowed", len(stages), maxStages)
		return p.Err() // rather than a problem per stage of a list this long
	}
	for i, s := range stages {
		f := fmt.Sprintf("stages[%d]", i)
		checkText(&p, f+".name", s.Name, maxNameLength, true)
		switch {
		case len(s.Groups) == 0:
			p.Add(f+".groups", "a stage needs at least one reviewer group")
		case len(s.Groups) > maxGroupsPerStage:
			p.Add(f+".groups", "has %d groups; at most %d are allowed", len(s.Groups), maxGroupsPerStage)
		}
		seen := make(map[string]bool, len(s.Groups))
		for j, g := range s.Groups[:min(len(s.Groups), maxGroupsPerStage)] {
			gf := fmt.Sprintf("%s.groups[%d]", f, j)
			if checkGroup(&p, gf+".group", g.Group, true) {
				if seen[g.Group] {
					p.Add(gf+".group", "%q appears more than once in this stage", g.Group)
				}
				seen[g.Group] = true
			}
			checkQuorum(&p, gf+".quorum", g.Quorum)
		}
		checkSLA(&p, f+".slaSeconds", s.SLA)
		checkGroup(&p, f+".escalateTo", s.EscalateTo, false)
	}
	return p.Err()
}

// ValidateRule reports every problem with a routing rule at once: its name, its expression (which
// must compile: the message carries the line and column of the first error; and must evaluate
// without error on a set of varied sample posts: the message names the sample and the error)
// and its action.
// Whether a USE_WORKFLOW action names a workflow of the organization is for the caller to check.
func ValidateRule(name, expression string, action Action) error {
	var p apperr.Problems
	checkText(&p, "name", name, maxNameLength, true)
	if prg, err := Compile(expression); err != nil {
		var e *ExprError
		if !errors.As(err, &e) {
			return fmt.Errorf("compile routing expression: %w", err)
		}
		p.Add("expression", "%s", e.Error())
	} else if err := trySamples(prg); err != nil {
		p.Add("expression", "%s", text.Truncate(err.Error(), 500))
	}
	switch action.Kind {
	case ActionAddGroup, ActionAddStage:
		checkGroup(&p, "action.group", action.Group, true)
		checkQuorum(&p, "action.quorum", action.Quorum)
		if action.Position < 0 || action.Position > maxActionPosition {
			p.Add("action.position", "must be between 0 and %d, not %d", maxActionPosition, action.Position)
		}
		checkText(&p, "action.stageName", action.StageName, maxNameLength, false)
		checkSLA(&p, "action.slaSeconds", action.SLA)
	case ActionUseWorkflow:
		if action.WorkflowID == nil || *action.WorkflowID == uuid.Nil {
			p.Add("action.workflowId", "a USE_WORKFLOW action needs a workflow")
		}
	case "":
		p.Add("action.kind", "is required")
	default:
		p.Add("action.kind", "%q is not one of ADD_GROUP, ADD_STAGE, USE_WORKFLOW", text.Truncate(string(action.Kind), 40))
	}
	return p.Err()
}

// Validate reports every problem with s at once, each naming its input field (e.g.
// "competitors[3]"): at most 200 entries per list, each 1 to 100 characters, no duplicates
// (ignoring case).
func (s ClassifierSettings) Validate() error {
	var p apperr.Problems
	checkList(&p, "competitors", s.Competitors)
	checkList(&p, "disclosures", s.Disclosures)
	checkList(&p, "disclosureCategories", s.DisclosureCategories)
	return p.Err()
}

func checkList(p *apperr.Problems, field string, list []string) {
	if len(list) > maxSettingsEntries {
		p.Add(field, "has %d entries; at most %d are allowed", len(list), maxSettingsEntries)
		return
	}
	seen := make(map[string]bool, len(list))
	for i, v := range list {
		f := fmt.Sprintf("%s[%d]", field, i)
		if !checkText(p, f, v, maxSettingsEntrySize, true) {
			continue
		}
		key := strings.ToLower(strings.TrimSpace(v))
		if seen[key] {
			p.Add(f, "%q is listed more than once", text.Truncate(v, 40))
		}
		seen[key] = true
	}
}

// checkText checks a name-like string: valid UTF-8 without control characters, not blank when
// required, at most max characters. It reports whether v is acceptable.
func checkText(p *apperr.Problems, field, v string, max int, required bool) bool {
	switch {
	case required && strings.TrimSpace(v) == "":
		p.Add(field, "is required")
	case !utf8.ValidString(v) || strings.ContainsFunc(v, isControl):
		p.Add(field, "contains invalid characters")
	case utf8.RuneCountInString(v) > max:
		p.Add(field, "is %d characters long; at most %d are allowed", utf8.RuneCountInString(v), max)
	default:
		return true
	}
	return false
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// checkGroup checks a reviewer group name; "" is accepted when the group is optional. It reports
// whether g is a valid, non-empty group name.
func checkGroup(p *apperr.Problems, field, g string, required bool) bool {
	switch {
	case g == "" && !required:
		return false
	case g == "":
		p.Add(field, "is required")
	case !auth.ValidGroupName(g):
		p.Add(field, "%q is not a group name (lower-case letters, digits, - and _, at most 63)", text.Truncate(g, 70))
	default:
		return true
	}
	return false
}

func checkQuorum(p *apperr.Problems, field string, q Quorum) {
	switch q.Kind {
	case QuorumN:
		if q.N < 1 || q.N > maxQuorumN {
			p.Add(field+".n", "must be between 1 and %d, not %d", maxQuorumN, q.N)
		}
	case QuorumAny, QuorumAll:
		if q.N != 0 {
			p.Add(field+".n", "is only for an N quorum (got %d with %s)", q.N, q.Kind)
		}
	case "":
		p.Add(field+".kind", "is required")
	default:
		p.Add(field+".kind", "%q is not one of ANY, ALL, N", text.Truncate(string(q.Kind), 40))
	}
}

func checkSLA(p *apperr.Problems, field string, d time.Duration) {
	if d < 0 || d > maxSLA {
		p.Add(field, "must be between 0 and %d seconds (90 days), not %d", int64(maxSLA/time.Second), int64(d/time.Second))
	}
}
