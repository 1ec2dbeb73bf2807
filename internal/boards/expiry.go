package boards

import (
	"context"
	"fmt"
	"log/slog"

	"clearpost/internal/apperr"
	"clearpost/internal/audit"
	"clearpost/internal/auth"
	"clearpost/internal/jobs"
	"clearpost/internal/postgres"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Expirer takes items off the boards once past their expiry. (Posts approved longer ago than
// their organization's maximum content age lose their approval in approval.ExpireStale, and
// leave the boards through its Unapproved hook.) One sweep runs at a time across every process
// (a Postgres advisory lock).
type Expirer struct {
	pool *pgxpool.Pool
	log  *slog.Logger
}

// NewExpirer returns the expirer.
func NewExpirer(pool *pgxpool.Pool, log *slog.Logger) *Expirer { return &Expirer{pool: pool, log: log} }

const expiryLock = 7255002

// Sweep removes expired items, auditing each and telling the index. It returns how many items it
// took off.
func (e *Expirer) Sweep(ctx context.Context) (items int, err error) {
	err = postgres.WithTx(ctx, e.pool, func(tx pgx.Tx) error {
		if locked, err := tryLock(ctx, tx, expiryLock); err != nil || !locked {
			return err
		}
		expired, err := deleteExpiredItems(ctx, tx)
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
		items = len(expired)
		return w.Flush(ctx, tx)
	})
	if err != nil {
		return 0, fmt.Errorf("expiry sweep: %w", err)
	}
	if items > 0 {
		e.log.InfoContext(ctx, "expired board items", slog.Int("items", items))
	}
	return items, nil
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
		before, err := lockMaxContentAge(ctx, tx, p.OrgID)
		if err != nil {
			return err
		}
		if err := setMaxContentAge(ctx, tx, p.OrgID, days); err != nil {
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
	return maxContentAge(ctx, s.pool, p.OrgID)
}
