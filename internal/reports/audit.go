// Package reports answers the questions admins ask of the record: the audit log and whether its
// hash chain holds.
package reports

import (
	"context"
	"crypto/ed25519"

	"clearpost/internal/audit"
	"clearpost/internal/auth"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Audit reads an organization's audit log, for its admins.
type Audit struct {
	pool    *pgxpool.Pool
	signers []ed25519.PublicKey
}

// NewAudit returns the audit reports on pool. signers are the public keys checkpoints may be
// signed with: a chain re-signed with any other key is not trusted.
func NewAudit(pool *pgxpool.Pool, signers ...ed25519.PublicKey) *Audit {
	return &Audit{pool: pool, signers: signers}
}

// Verification is a verified chain and whether its checkpoint was signed by a trusted key.
type Verification struct {
	audit.Result
	CheckpointTrusted bool
}

// OK reports whether the chain verified under a checkpoint signed by a trusted key.
func (v Verification) OK() bool { return v.Result.OK() && (v.Checkpoint == nil || v.CheckpointTrusted) }

// Events returns the caller's organization's events, newest first (admins only).
func (a *Audit) Events(ctx context.Context, f audit.EventFilter, after *audit.EventCursor, limit int) ([]*audit.StoredEvent, error) {
	p, err := auth.Require(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	return audit.ListEvents(ctx, a.pool, p.OrgID, f, after, limit)
}

// Verify recomputes the caller's organization's chain (admins only).
func (a *Audit) Verify(ctx context.Context) (Verification, error) {
	p, err := auth.Require(ctx, auth.RoleAdmin)
	if err != nil {
		return Verification{}, err
	}
	res, err := audit.Verify(ctx, a.pool, p.OrgID)
	if err != nil {
		return Verification{}, err
	}
	return Verification{Result: res, CheckpointTrusted: res.SignedBy(a.signers...)}, nil
}
