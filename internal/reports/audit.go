// Package reports answers the questions admins ask of the record: the audit log and whether its
// hash chain holds.
package reports

import (
	"context"

	"clearpost/internal/audit"
	"clearpost/internal/auth"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Audit reads an organization's audit log, for its admins.
type Audit struct {
	pool *pgxpool.Pool
}

// NewAudit returns the audit reports on pool.
func NewAudit(pool *pgxpool.Pool) *Audit { return &Audit{pool: pool} }

// Events returns the caller's organization's events, newest first (admins only).
func (a *Audit) Events(ctx context.Context, f audit.EventFilter, after *audit.EventCursor, limit int) ([]*audit.StoredEvent, error) {
	p, err := auth.Require(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	return audit.ListEvents(ctx, a.pool, p.OrgID, f, after, limit)
}

// Verify recomputes the caller's organization's chain (admins only).
func (a *Audit) Verify(ctx context.Context) (audit.Result, error) {
	p, err := auth.Require(ctx, auth.RoleAdmin)
	if err != nil {
		return audit.Result{}, err
	}
	return audit.Verify(ctx, a.pool, p.OrgID)
}
