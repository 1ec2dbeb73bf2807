package approval

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// stageJSON is a stage as stored: durations in whole seconds, so the JSON is readable in SQL.
type stageJSON struct {
	Name       string             `json:"name"`
	Groups     []GroupRequirement `json:"groups"`
	SLASeconds int64              `json:"sla_seconds,omitempty"`
	EscalateTo string             `json:"escalate_to,omitempty"`
}

func encodeStages(stages []Stage) ([]byte, error) {
	out := make([]stageJSON, len(stages))
	for i, s := range stages {
		out[i] = stageJSON{Name: s.Name, Groups: s.Groups, SLASeconds: int64(s.SLA / time.Second), EscalateTo: s.EscalateTo}
	}
	return json.Marshal(out)
}

func decodeStages(b []byte) ([]Stage, error) {
	var in []stageJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, err
	}
	out := make([]Stage, len(in))
	for i, s := range in {
		out[i] = Stage{Name: s.Name, Groups: s.Groups, SLA: time.Duration(s.SLASeconds) * time.Second, EscalateTo: s.EscalateTo}
	}
	return out, nil
}

const workflowColumns = `id, org_id, name, description, is_default, stages, revision, created_at, updated_at`

func scanWorkflow(row pgx.Row) (*Workflow, error) {
	var w Workflow
	var stages []byte
	if err := row.Scan(&w.ID, &w.OrgID, &w.Name, &w.Description, &w.IsDefault, &stages, &w.Revision, &w.CreatedAt, &w.UpdatedAt); err != nil {
		return nil, err
	}
	var err error
	if w.Stages, err = decodeStages(stages); err != nil {
		return nil, fmt.Errorf("decode stages of workflow %s: %w", w.ID, err)
	}
	return &w, nil
}

// ListWorkflows returns org's workflows by name.
func ListWorkflows(ctx context.Context, db postgres.DB, org uuid.UUID) ([]*Workflow, error) {
	rows, err := db.Query(ctx, `SELECT `+workflowColumns+` FROM workflows WHERE org_id = $1 ORDER BY name, id`, org)
	if err != nil {
		return nil, fmt.Errorf("list workflows: %w", err)
	}
	defer rows.Close()
	var out []*Workflow
	for rows.Next() {
		w, err := scanWorkflow(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// GetWorkflow returns workflow id of org.
func GetWorkflow(ctx context.Context, db postgres.DB, org, id uuid.UUID) (*Workflow, error) {
	w, err := scanWorkflow(db.QueryRow(ctx, `SELECT `+workflowColumns+` FROM workflows WHERE org_id = $1 AND id = $2`, org, id))
	if postgres.NoRows(err) {
		return nil, apperr.NotFoundf("workflow %s not found", id)
	}
	return w, err
}

// unsetDefaultWorkflow makes none of org's workflows the default.
func unsetDefaultWorkflow(ctx context.Context, tx pgx.Tx, org uuid.UUID) error {
	_, err := tx.Exec(ctx, `UPDATE workflows SET is_default = false WHERE org_id = $1 AND is_default`, org)
	return err
}

// unsetOtherDefaultWorkflow makes none of org's workflows but id the default.
func unsetOtherDefaultWorkflow(ctx context.Context, tx pgx.Tx, org, id uuid.UUID) error {
	_, err := tx.Exec(ctx, `UPDATE workflows SET is_default = false WHERE org_id = $1 AND is_default AND id <> $2`, org, id)
	return err
}

func insertWorkflow(ctx context.Context, tx pgx.Tx, org uuid.UUID, in WorkflowInput, stages []byte) (*Workflow, error) {
	w, err := scanWorkflow(tx.QueryRow(ctx, `INSERT INTO workflows (org_id, name, description, is_default, stages)
		VALUES ($1, $2, $3, $4, $5) RETURNING `+workflowColumns, org, in.Name, in.Description, in.IsDefault, stages))
	return w, postgres.MapError(err)
}

// lockWorkflow reads workflow id of org, locked for the rest of the transaction.
func lockWorkflow(ctx context.Context, tx pgx.Tx, org, id uuid.UUID) (*Workflow, error) {
	w, err := scanWorkflow(tx.QueryRow(ctx, `SELECT `+workflowColumns+` FROM workflows WHERE org_id = $1 AND id = $2 FOR UPDATE`, org, id))
	if postgres.NoRows(err) {
		return nil, apperr.NotFoundf("workflow %s not found", id)
	}
	return w, err
}

func updateWorkflow(ctx context.Context, tx pgx.Tx, org, id uuid.UUID, in WorkflowInput, stages []byte) (*Workflow, error) {
	w, err := scanWorkflow(tx.QueryRow(ctx, `UPDATE workflows SET name = $3, description = $4, is_default = $5, stages = $6,
		revision = revision + 1, updated_at = now() WHERE org_id = $1 AND id = $2 RETURNING `+workflowColumns,
		org, id, in.Name, in.Description, in.IsDefault, stages))
	return w, postgres.MapError(err)
}

const ruleColumns = `id, org_id, name, description, expression, action, priority, enabled, revision, created_at, updated_at,
	failing_since, last_error, last_error_at`

func scanRule(row pgx.Row) (*Rule, error) {
	var r Rule
	var action []byte
	if err := row.Scan(&r.ID, &r.OrgID, &r.Name, &r.Description, &r.Expression, &action, &r.Priority, &r.Enabled, &r.Revision,
		&r.CreatedAt, &r.UpdatedAt, &r.FailingSince, &r.LastError, &r.LastErrorAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(action, &r.Action); err != nil {
		return nil, fmt.Errorf("decode action of rule %s: %w", r.ID, err)
	}
	return &r, nil
}

// ListRules returns org's routing rules in the order they apply.
func ListRules(ctx context.Context, db postgres.DB, org uuid.UUID) ([]*Rule, error) {
	rows, err := db.Query(ctx, `SELECT `+ruleColumns+` FROM routing_rules WHERE org_id = $1 ORDER BY priority, name, id`, org)
	if err != nil {
		return nil, fmt.Errorf("list routing rules: %w", err)
	}
	defer rows.Close()
	var out []*Rule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func insertRule(ctx context.Context, tx pgx.Tx, org uuid.UUID, in RuleInput, action []byte) (*Rule, error) {
	r, err := scanRule(tx.QueryRow(ctx, `INSERT INTO routing_rules (org_id, name, description, expression, action, priority, enabled)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+ruleColumns,
		org, in.Name, in.Description, in.Expression, action, in.Priority, in.Enabled))
	return r, postgres.MapError(err)
}

// lockRule reads rule id of org, locked for the rest of the transaction.
func lockRule(ctx context.Context, tx pgx.Tx, org, id uuid.UUID) (*Rule, error) {
	r, err := scanRule(tx.QueryRow(ctx, `SELECT `+ruleColumns+` FROM routing_rules WHERE org_id = $1 AND id = $2 FOR UPDATE`, org, id))
	if postgres.NoRows(err) {
		return nil, apperr.NotFoundf("routing rule %s not found", id)
	}
	return r, err
}

// updateRule replaces rule id of org, ending any failure episode: the edited rule starts clean.
func updateRule(ctx context.Context, tx pgx.Tx, org, id uuid.UUID, in RuleInput, action []byte) (*Rule, error) {
	r, err := scanRule(tx.QueryRow(ctx, `UPDATE routing_rules SET name = $3, description = $4, expression = $5, action = $6,
		priority = $7, enabled = $8, revision = revision + 1, updated_at = now(),
		failing_since = NULL, last_error = '', last_error_at = NULL,
		recovered_at = CASE WHEN failing_since IS NULL THEN recovered_at ELSE now() END
		WHERE org_id = $1 AND id = $2 RETURNING `+ruleColumns,
		org, id, in.Name, in.Description, in.Expression, action, in.Priority, in.Enabled))
	return r, postgres.MapError(err)
}

func deleteRule(ctx context.Context, tx pgx.Tx, org, id uuid.UUID) (*Rule, error) {
	r, err := scanRule(tx.QueryRow(ctx, `DELETE FROM routing_rules WHERE org_id = $1 AND id = $2 RETURNING `+ruleColumns, org, id))
	if postgres.NoRows(err) {
		return nil, apperr.NotFoundf("routing rule %s not found", id)
	}
	return r, err
}

// Settings returns org's classifier settings.
func Settings(ctx context.Context, db postgres.DB, org uuid.UUID) (ClassifierSettings, error) {
	var s ClassifierSettings
	var raw []byte
	if err := db.QueryRow(ctx, `SELECT settings FROM organizations WHERE id = $1`, org).Scan(&raw); err != nil {
		return s, fmt.Errorf("organization settings: %w", err)
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return s, fmt.Errorf("organization settings: %w", err)
	}
	return s, nil
}

func setSettings(ctx context.Context, tx pgx.Tx, org uuid.UUID, raw []byte) error {
	_, err := tx.Exec(ctx, `UPDATE organizations SET settings = $2 WHERE id = $1`, org, raw)
	return err
}

// Routing is everything submit needs to resolve a post's plan.
type Routing struct {
	Default   *Workflow
	Workflows map[uuid.UUID]*Workflow
	Rules     []Rule
	Settings  ClassifierSettings
}

// LoadRouting reads org's workflows, rules and classifier settings.
func LoadRouting(ctx context.Context, db postgres.DB, org uuid.UUID) (*Routing, error) {
	wfs, err := ListWorkflows(ctx, db, org)
	if err != nil {
		return nil, err
	}
	rules, err := ListRules(ctx, db, org)
	if err != nil {
		return nil, err
	}
	settings, err := Settings(ctx, db, org)
	if err != nil {
		return nil, err
	}
	r := &Routing{Workflows: make(map[uuid.UUID]*Workflow, len(wfs)), Settings: settings}
	for _, w := range wfs {
		r.Workflows[w.ID] = w
		if w.IsDefault {
			r.Default = w
		}
	}
	for _, rule := range rules {
		r.Rules = append(r.Rules, *rule)
	}
	return r, nil
}

// MarkRuleFailing records that revision rev of rule id of org failed at time at with errText. It
// reports whether that starts a failure episode (the rule was not marked failing): the caller
// tells the admins once per episode. Nothing is marked when the rule has since been edited or
// deleted, or when it evaluated cleanly after at (an older failure processed late).
func MarkRuleFailing(ctx context.Context, db postgres.DB, org, id uuid.UUID, rev int, errText string, at time.Time) (started bool, since time.Time, err error) {
	err = db.QueryRow(ctx, `WITH old AS (
			SELECT id, failing_since FROM routing_rules
			WHERE org_id = $1 AND id = $2 AND revision = $3 AND (recovered_at IS NULL OR recovered_at < $5)
			FOR UPDATE)
		UPDATE routing_rules r SET
			failing_since = coalesce(r.failing_since, $5),
			last_error = CASE WHEN r.last_error_at IS NULL OR r.last_error_at <= $5 THEN $4 ELSE r.last_error END,
			last_error_at = greatest(r.last_error_at, $5)
		FROM old WHERE r.id = old.id
		RETURNING old.failing_since IS NULL, r.failing_since`, org, id, rev, errText, at).Scan(&started, &since)
	if postgres.NoRows(err) {
		return false, time.Time{}, nil
	}
	if err != nil {
		return false, time.Time{}, fmt.Errorf("mark routing rule %s failing: %w", id, err)
	}
	return started, since, nil
}

// ClearRuleFailing ends the failure episode of revision rev of rule id of org, which evaluated
// cleanly at time at, unless it failed again after at. It reports whether the rule was failing.
func ClearRuleFailing(ctx context.Context, db postgres.DB, org, id uuid.UUID, rev int, at time.Time) (bool, error) {
	tag, err := db.Exec(ctx, `UPDATE routing_rules SET failing_since = NULL, last_error = '', last_error_at = NULL, recovered_at = $4
		WHERE org_id = $1 AND id = $2 AND revision = $3 AND failing_since IS NOT NULL AND last_error_at <= $4`, org, id, rev, at)
	if err != nil {
		return false, fmt.Errorf("clear routing rule %s failing: %w", id, err)
	}
	return tag.RowsAffected() > 0, nil
}
