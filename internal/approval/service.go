package approval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Service manages an organization's workflows, routing rules and classifier settings, and runs
// the review: submit, decide stage by stage, request changes, reject, withdraw, edit.
type Service struct {
	pool  *pgxpool.Pool
	hooks hooks
}

// NewService returns the service on pool.
func NewService(pool *pgxpool.Pool) *Service { return &Service{pool: pool} }

// Who may read and change routing. Workflows, routing rules and classifier settings decide who
// reviews a post, so only admins change them: the marketers who author posts must not be able
// to route their own posts around a review. Every change is audited with its actor.
var (
	readers = []auth.Role{auth.RoleAdmin, auth.RoleMarketer, auth.RoleReviewer}
	editors = []auth.Role{auth.RoleAdmin}
)

// WorkflowInput is a workflow as a client writes it.
type WorkflowInput struct {
	Name        string
	Description string
	IsDefault   bool
	Stages      []Stage
}

// Workflows lists the caller's organization's workflows.
func (s *Service) Workflows(ctx context.Context) ([]*Workflow, error) {
	p, err := auth.Require(ctx, readers...)
	if err != nil {
		return nil, err
	}
	return ListWorkflows(ctx, s.pool, p.OrgID)
}

// Workflow returns one workflow of the caller's organization.
func (s *Service) Workflow(ctx context.Context, id uuid.UUID) (*Workflow, error) {
	p, err := auth.Require(ctx, readers...)
	if err != nil {
		return nil, err
	}
	return GetWorkflow(ctx, s.pool, p.OrgID, id)
}

// CreateWorkflow validates and stores a workflow. Making it the default unsets the previous one.
func (s *Service) CreateWorkflow(ctx context.Context, in WorkflowInput) (*Workflow, error) {
	p, err := auth.Require(ctx, editors...)
	if err != nil {
		return nil, err
	}
	if err := ValidateWorkflow(in.Name, in.Stages); err != nil {
		return nil, err
	}
	stages, err := encodeStages(in.Stages)
	if err != nil {
		return nil, err
	}
	var w *Workflow
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if in.IsDefault {
			if err := unsetDefaultWorkflow(ctx, tx, p.OrgID); err != nil {
				return err
			}
		}
		w, err = insertWorkflow(ctx, tx, p.OrgID, in, stages)
		if err != nil {
			return fieldConflict(err, "name")
		}
		return record(ctx, tx, p, "workflow.created", "workflow", w.ID, map[string]any{"workflow": workflowDetails(w)})
	})
	if err != nil {
		return nil, fmt.Errorf("create workflow: %w", err)
	}
	return w, nil
}

// UpdateWorkflow replaces a workflow. expectedRevision, when not 0, must be the stored revision
// (optimistic concurrency). Reviews already submitted keep the plan they froze.
func (s *Service) UpdateWorkflow(ctx context.Context, id uuid.UUID, in WorkflowInput, expectedRevision int) (*Workflow, error) {
	p, err := auth.Require(ctx, editors...)
	if err != nil {
		return nil, err
	}
	if err := ValidateWorkflow(in.Name, in.Stages); err != nil {
		return nil, err
	}
	stages, err := encodeStages(in.Stages)
	if err != nil {
		return nil, err
	}
	var w *Workflow
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		before, err := lockWorkflow(ctx, tx, p.OrgID, id)
		if err != nil {
			return err
		}
		if expectedRevision != 0 && expectedRevision != before.Revision {
			return apperr.Conflictf("workflow changed since you read it (revision %d, you edited %d)", before.Revision, expectedRevision)
		}
		if in.IsDefault {
			if err := unsetOtherDefaultWorkflow(ctx, tx, p.OrgID, id); err != nil {
				return err
			}
		}
		w, err = updateWorkflow(ctx, tx, p.OrgID, id, in, stages)
		if err != nil {
			return fieldConflict(err, "name")
		}
		return record(ctx, tx, p, "workflow.updated", "workflow", w.ID, map[string]any{"before": workflowDetails(before), "after": workflowDetails(w)})
	})
	if err != nil {
		return nil, fmt.Errorf("update workflow %s: %w", id, err)
	}
	return w, nil
}

// RuleInput is a routing rule as a client writes it.
type RuleInput struct {
	Name        string
	Description string
	Expression  string
	Action      Action
	Priority    int
	Enabled     bool
}

// Rules lists the caller's organization's routing rules in the order they apply.
func (s *Service) Rules(ctx context.Context) ([]*Rule, error) {
	p, err := auth.Require(ctx, readers...)
	if err != nil {
		return nil, err
	}
	return ListRules(ctx, s.pool, p.OrgID)
}

func (s *Service) validateRule(ctx context.Context, db postgres.DB, org uuid.UUID, in RuleInput) error {
	if err := ValidateRule(in.Name, in.Expression, in.Action); err != nil {
		return err
	}
	if in.Action.Kind == ActionUseWorkflow {
		if _, err := GetWorkflow(ctx, db, org, *in.Action.WorkflowID); err != nil {
			if errors.Is(err, apperr.ErrNotFound) {
				return apperr.Invalidf("action.workflowId", "no workflow %s in this organization", *in.Action.WorkflowID)
			}
			return err
		}
	}
	return nil
}

// CreateRule validates (the expression compiles, the action is complete) and stores a rule.
func (s *Service) CreateRule(ctx context.Context, in RuleInput) (*Rule, error) {
	p, err := auth.Require(ctx, editors...)
	if err != nil {
		return nil, err
	}
	if err := s.validateRule(ctx, s.pool, p.OrgID, in); err != nil {
		return nil, err
	}
	action, err := json.Marshal(in.Action)
	if err != nil {
		return nil, err
	}
	var r *Rule
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		r, err = insertRule(ctx, tx, p.OrgID, in, action)
		if err != nil {
			return fieldConflict(err, "name")
		}
		return record(ctx, tx, p, "routing_rule.created", "routing_rule", r.ID, map[string]any{"rule": ruleDetails(r)})
	})
	if err != nil {
		return nil, fmt.Errorf("create routing rule: %w", err)
	}
	return r, nil
}

// UpdateRule replaces a rule; expectedRevision as for UpdateWorkflow.
func (s *Service) UpdateRule(ctx context.Context, id uuid.UUID, in RuleInput, expectedRevision int) (*Rule, error) {
	p, err := auth.Require(ctx, editors...)
	if err != nil {
		return nil, err
	}
	if err := s.validateRule(ctx, s.pool, p.OrgID, in); err != nil {
		return nil, err
	}
	action, err := json.Marshal(in.Action)
	if err != nil {
		return nil, err
	}
	var r *Rule
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		before, err := lockRule(ctx, tx, p.OrgID, id)
		if err != nil {
			return err
		}
		if expectedRevision != 0 && expectedRevision != before.Revision {
			return apperr.Conflictf("routing rule changed since you read it (revision %d, you edited %d)", before.Revision, expectedRevision)
		}
		r, err = updateRule(ctx, tx, p.OrgID, id, in, action)
		if err != nil {
			return fieldConflict(err, "name")
		}
		return record(ctx, tx, p, "routing_rule.updated", "routing_rule", r.ID, map[string]any{"before": ruleDetails(before), "after": ruleDetails(r)})
	})
	if err != nil {
		return nil, fmt.Errorf("update routing rule %s: %w", id, err)
	}
	return r, nil
}

// DeleteRule removes a rule. Reviews it routed keep its name and action in their frozen plan.
func (s *Service) DeleteRule(ctx context.Context, id uuid.UUID) (*Rule, error) {
	p, err := auth.Require(ctx, editors...)
	if err != nil {
		return nil, err
	}
	var r *Rule
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		r, err = deleteRule(ctx, tx, p.OrgID, id)
		if err != nil {
			return err
		}
		return record(ctx, tx, p, "routing_rule.deleted", "routing_rule", r.ID, map[string]any{"rule": ruleDetails(r)})
	})
	if err != nil {
		return nil, fmt.Errorf("delete routing rule %s: %w", id, err)
	}
	return r, nil
}

// ClassifierSettings returns the caller's organization's classifier settings.
func (s *Service) ClassifierSettings(ctx context.Context) (ClassifierSettings, error) {
	p, err := auth.Require(ctx, readers...)
	if err != nil {
		return ClassifierSettings{}, err
	}
	return Settings(ctx, s.pool, p.OrgID)
}

// SetClassifierSettings replaces the organization's competitor list and disclosure rules.
func (s *Service) SetClassifierSettings(ctx context.Context, in ClassifierSettings) (ClassifierSettings, error) {
	p, err := auth.Require(ctx, editors...)
	if err != nil {
		return in, err
	}
	if err := in.Validate(); err != nil {
		return in, err
	}
	raw, err := json.Marshal(in)
	if err != nil {
		return in, err
	}
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		before, err := Settings(ctx, tx, p.OrgID)
		if err != nil {
			return err
		}
		if err := setSettings(ctx, tx, p.OrgID, raw); err != nil {
			return err
		}
		return record(ctx, tx, p, "classifier_settings.updated", "organization", p.OrgID, map[string]any{"before": before, "after": in})
	})
	if err != nil {
		return in, fmt.Errorf("set classifier settings: %w", err)
	}
	return in, nil
}

func record(ctx context.Context, tx postgres.Execer, p *auth.Principal, action, subjectType string, subject uuid.UUID, details any) error {
	return p.Record(ctx, tx, action, subjectType, subject.String(), details)
}

// fieldConflict names field in a unique-violation conflict.
func fieldConflict(err error, field string) error {
	var e *apperr.Error
	if errors.As(err, &e) && e.Code == apperr.Conflict {
		return &apperr.Error{Code: apperr.Conflict, Field: field, Message: e.Message}
	}
	return err
}

func workflowDetails(w *Workflow) map[string]any {
	stages, _ := encodeStages(w.Stages)
	return map[string]any{"name": w.Name, "description": w.Description, "is_default": w.IsDefault, "stages": json.RawMessage(stages), "revision": w.Revision}
}

func ruleDetails(r *Rule) map[string]any {
	d := map[string]any{"name": r.Name, "expression": r.Expression, "action": r.Action, "priority": r.Priority, "enabled": r.Enabled, "revision": r.Revision}
	if r.FailingSince != nil {
		d["failing_since"], d["last_error"] = r.FailingSince, r.LastError
	}
	return d
}

// GroupsOf returns the distinct groups a plan names.
func (p Plan) GroupsOf() []string {
	var out []string
	for _, s := range p.Stages {
		for _, g := range s.Groups {
			out = append(out, g.Group)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
