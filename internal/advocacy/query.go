package advocacy

import (
	"context"
	"fmt"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

const maxLimit = 500

func clampLimit(limit int) int {
	return min(max(limit, 1), maxLimit)
}

// decorateAll fills the URLs of shares, reading the e-mail subjects of OPENED e-mail shares in one
// query.
func (s *Service) decorateAll(ctx context.Context, shares []*Share) ([]*Share, error) {
	var versions []uuid.UUID
	for _, sh := range shares {
		if sh.Status == StatusOpened && sh.Network == Email {
			versions = append(versions, sh.VersionID)
		}
	}
	subjects := map[uuid.UUID]string{}
	if len(versions) > 0 {
		rows, err := s.pool.Query(ctx, `SELECT v.id, coalesce(nullif(v.content->>'title', ''), p.title)
			FROM post_versions v JOIN posts p ON p.id = v.post_id WHERE v.id = ANY($1)`, versions)
		if err != nil {
			return nil, fmt.Errorf("share subjects: %w", err)
		}
		var id uuid.UUID
		var subject string
		if _, err := pgx.ForEachRow(rows, []any{&id, &subject}, func() error {
			subjects[id] = subject
			return nil
		}); err != nil {
			return nil, fmt.Errorf("share subjects: %w", err)
		}
	}
	for _, sh := range shares {
		s.decorate(sh, subjects[sh.VersionID])
	}
	return shares, nil
}

// MyShares returns up to limit of the caller's shares, newest first, after cursor.
func (s *Service) MyShares(ctx context.Context, after *ShareCursor, limit int) ([]*Share, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	var afterAt time.Time
	var afterID uuid.UUID
	if after != nil {
		afterAt, afterID = after.CreatedAt, after.ID
	}
	shares, err := collectShares(s.pool.Query(ctx, `SELECT `+shareColumns+` FROM shares
		WHERE user_id = $1 AND org_id = $2 AND (NOT $3 OR (created_at, id) < ($4, $5))
		ORDER BY created_at DESC, id DESC
		LIMIT $6`, p.UserID, p.OrgID, after != nil, afterAt, afterID, clampLimit(limit)))
	if err != nil {
		return nil, fmt.Errorf("my shares: %w", err)
	}
	return s.decorateAll(ctx, shares)
}

// Counts returns, for each of postIDs, its shares that went out (OPENED or PUBLISHED) and the
// counted clicks on all its shares (dataloader batch). Posts of other organizations count nothing.
// A share counts once however often the employee shared the post to its network: repeats made
// before shares were unique (duplicate_of set) do not count, and their clicks count on the share
// they repeat.
func (s *Service) Counts(ctx context.Context, postIDs []uuid.UUID) (map[uuid.UUID]Counts, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]Counts, len(postIDs))
	for _, id := range postIDs {
		out[id] = Counts{}
	}
	rows, err := s.pool.Query(ctx, `SELECT post_id, count(*) FILTER (WHERE status = ANY($3) AND duplicate_of IS NULL), coalesce(sum(clicks), 0)::bigint
		FROM shares WHERE org_id = $1 AND post_id = ANY($2) GROUP BY post_id`, p.OrgID, postIDs, wentOut)
	if err != nil {
		return nil, fmt.Errorf("share counts: %w", err)
	}
	var id uuid.UUID
	var c Counts
	if _, err := pgx.ForEachRow(rows, []any{&id, &c.Shares, &c.Clicks}, func() error {
		out[id] = c
		return nil
	}); err != nil {
		return nil, fmt.Errorf("share counts: %w", err)
	}
	return out, nil
}

// Points of the leaderboard.
const (
	PointsPerShare = 10
	PointsPerClick = 1
)

// Leaderboard ranks the active employees of the caller's organization by points over [from, to):
// PointsPerShare for each share that went out (OPENED or PUBLISHED) in the period and
// PointsPerClick for each counted click in it; ties by name. Employees without points are left out.
// One share per post, network and employee scores (see liveShare); repeats from before that
// (duplicate_of set) do not.
func (s *Service) Leaderboard(ctx context.Context, from, to time.Time, limit int) ([]LeaderboardEntry, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if !to.After(from) {
		return nil, apperr.Invalidf("to", "must be after from")
	}
	rows, err := s.pool.Query(ctx, `WITH sh AS (
			SELECT user_id, count(*) AS n FROM shares
			WHERE org_id = $1 AND shared_at >= $2 AND shared_at < $3 AND status = ANY($4) AND duplicate_of IS NULL
			GROUP BY user_id),
		cl AS (
			SELECT user_id, count(*) AS n FROM share_clicks
			WHERE org_id = $1 AND clicked_at >= $2 AND clicked_at < $3
			GROUP BY user_id),
		scored AS (
			SELECT coalesce(sh.user_id, cl.user_id) AS user_id, coalesce(sh.n, 0) AS shares, coalesce(cl.n, 0) AS clicks
			FROM sh FULL JOIN cl ON cl.user_id = sh.user_id)
		SELECT u.id, u.name, u.email, s.shares, s.clicks, s.shares * $5 + s.clicks * $6 AS points
		FROM scored s JOIN users u ON u.id = s.user_id
		WHERE u.org_id = $1 AND u.active
		ORDER BY points DESC, u.name, u.id
		LIMIT $7`, p.OrgID, from, to, wentOut, PointsPerShare, PointsPerClick, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("leaderboard: %w", err)
	}
	var out []LeaderboardEntry
	var e LeaderboardEntry
	if _, err := pgx.ForEachRow(rows, []any{&e.UserID, &e.Name, &e.Email, &e.Shares, &e.Clicks, &e.Points}, func() error {
		e.Rank = len(out) + 1
		out = append(out, e)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("leaderboard: %w", err)
	}
	return out, nil
}

// Archive returns, for admins, up to limit shares that went out (the text, network, time, post
// version and hash, external URL), most recently shared first, after cursor: the compliance record.
func (s *Service) Archive(ctx context.Context, f ArchiveFilter, after *ArchiveCursor, limit int) ([]*Share, error) {
	p, err := auth.Require(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	if f.From != nil && f.To != nil && !f.To.After(*f.From) {
		return nil, apperr.Invalidf("filter.to", "must be after filter.from")
	}
	var afterAt time.Time
	var afterID uuid.UUID
	if after != nil {
		afterAt, afterID = after.SharedAt, after.ID
	}
	shares, err := collectShares(s.pool.Query(ctx, `SELECT `+shareColumns+` FROM shares
		WHERE org_id = $1 AND shared_at IS NOT NULL
		  AND ($2::uuid IS NULL OR user_id = $2)
		  AND ($3::timestamptz IS NULL OR shared_at >= $3)
		  AND ($4::timestamptz IS NULL OR shared_at < $4)
		  AND (NOT $5 OR (shared_at, id) < ($6, $7))
		ORDER BY shared_at DESC, id DESC
		LIMIT $8`, p.OrgID, f.UserID, f.From, f.To, after != nil, afterAt, afterID, clampLimit(limit)))
	if err != nil {
		return nil, fmt.Errorf("share archive: %w", err)
	}
	return s.decorateAll(ctx, shares)
}
