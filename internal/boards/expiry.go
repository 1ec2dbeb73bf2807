package boards

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/audit"
	"clearpost/internal/auth"
	"clearpost/internal/jobs"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Expirer takes content off the boards when it goes stale: items past their expiry, and posts
// approved longer ago than their organization's maximum content age, which must be approved
// again. One sweep runs at a time across every process (a Postgres advisory lock).
type Expirer struct {
	pool *pgxpool.Pool
	log  *slog.Logger
}

// NewExpirer returns the expirer.
func NewExpirer(pool *pgxpool.Pool, log *slog.Logger) *Expirer { return &Expirer{pool: pool, log: log} }

const expiryLock = 7255002

// Run sweeps every interval until ctx is done.
func (e *Expirer) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, _, err := e.Sweep(ctx); err != nil && ctx.Err() == nil {
			e.log.ErrorContext(ctx, "expiry sweep", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Sweep removes expired items and un-approves stale posts, auditing each and telling the index.
// It returns how many items and posts it took off.
func (e *Expirer) Sweep(ctx context.Context) (items, posts int, err error) {
	err = postgres.WithTx(ctx, e.pool, func(tx pgx.Tx) error {
		var locked bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, expiryLock).Scan(&locked); err != nil || !locked {
			return err
		}
		rows, err := tx.Query(ctx, `DELETE FROM board_items WHERE expires_at <= now() RETURNING org_id, board_id, post_id`)
		if err != nil {
			return err
		}
		type gone struct{ org, board, post uuid.UUID }
		expired, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (gone, error) {
			var g gone
			return g, r.Scan(&g.org, &g.board, &g.post)
		})
		if err != nil {
			return err
		}
		var w postgres.Deferred
		for _, g := range expired {
			if err := audit.Record(ctx, &w, audit.Event{OrgID: g.org, ActorEmail: "system", Action: "board.item_expired",
				SubjectType: "board", SubjectID: g.board.String(), Details: map[string]any{"post_id": g.post}}); err != nil {
				return err
			}
			if err := jobs.Enqueue(ctx, &w, g.org, jobs.TopicPostBoardsChanged, map[string]any{"post_id": g.post}); err != nil {
				return err
			}
		}
		// Stale approvals: the post returns to DRAFT, its approval voided, off every board.
		rows, err = tx.Query(ctx, `UPDATE posts p SET state = 'DRAFT', updated_at = now()
			FROM organizations o
			WHERE o.id = p.org_id AND o.max_content_age_days IS NOT NULL AND p.state = 'APPROVED'
			  AND p.approved_at < now() - make_interval(days => o.max_content_age_days)
			RETURNING p.org_id, p.id, p.approved_at`)
		if err != nil {
			return err
		}
		type stale struct {
			org, post  uuid.UUID
			approvedAt time.Time
		}
		staled, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (stale, error) {
			var s stale
			return s, r.Scan(&s.org, &s.post, &s.approvedAt)
		})
		if err != nil {
			return err
		}
		for _, s := range staled {
			if _, err := w.Exec(ctx, `UPDATE reviews SET status = 'VOIDED', closed_at = now() WHERE post_id = $1 AND status = 'APPROVED'`, s.post); err != nil {
				return err
			}
			if err := RemoveUnapproved(ctx, &w, s.post); err != nil {
				return err
			}
			if err := audit.Record(ctx, &w, audit.Event{OrgID: s.org, ActorEmail: "system", Action: "post.approval_expired",
				SubjectType: "post", SubjectID: s.post.String(), Details: map[string]any{"approved_at": s.approvedAt}}); err != nil {
				return err
			}
			if err := jobs.Enqueue(ctx, &w, s.org, jobs.TopicPostUnapproved, map[string]any{"post_id": s.post, "reason": "stale"}); err != nil {
				return err
			}
		}
		items, posts = len(expired), len(staled)
		return w.Flush(ctx, tx)
	})
	if err != nil {
		return 0, 0, fmt.Errorf("expiry sweep: %w", err)
	}
	if items+posts > 0 {
		e.log.InfoContext(ctx, "expired board content", slog.Int("items", items), slog.Int("posts", posts))
	}
	return items, posts, nil
}

// SetMaxContentAge sets after how many days approved content leaves the boards until approved
// again (admins); nil: never.
func (s *Service) SetMaxContentAge(ctx context.Context, days *int) (*int, error) {
	p, err := auth.Require(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	if days != nil && (*days < 1 || *days > 3650) {
		return nil, apperr.Invalidf("days", "must be between 1 and 3650, or null for no limit")
	}
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		var before *int
		if err := tx.QueryRow(ctx, `SELECT max_content_age_days FROM organizations WHERE id = $1 FOR UPDATE`, p.OrgID).Scan(&before); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE organizations SET max_content_age_days = $2 WHERE id = $1`, p.OrgID, days); err != nil {
			return err
		}
		return record(ctx, tx, p, "content_policy.updated", "organization", p.OrgID.String(),
			map[string]any{"before": map[string]any{"max_content_age_days": before}, "after": map[string]any{"max_content_age_days": days}})
	})
	if err != nil {
		return nil, fmt.Errorf("set max content age: %w", err)
	}
	return days, nil
}

// MaxContentAge returns the organization's maximum content age in days (nil: none).
func (s *Service) MaxContentAge(ctx context.Context) (*int, error) {
	p, err := auth.Require(ctx, editors...)
	if err != nil {
		return nil, err
	}
	var days *int
	err = s.pool.QueryRow(ctx, `SELECT max_content_age_days FROM organizations WHERE id = $1`, p.OrgID).Scan(&days)
	return days, err
}
