package advocacy

import (
	"context"
	"fmt"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"

	"github.com/google/uuid"
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
		var err error
		if subjects, err = shareSubjects(ctx, s.pool, versions); err != nil {
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
	shares, err := myShares(ctx, s.pool, p.UserID, p.OrgID, after != nil, afterAt, afterID, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("my shares: %w", err)
	}
	return s.decorateAll(ctx, shares)
}

// MyTotals returns the caller's shares that went out (counted as Counts counts them) and the
// clicks counted on their tracked links, over all time.
func (s *Service) MyTotals(ctx context.Context) (Counts, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return Counts{}, err
	}
	c, err := userTotals(ctx, s.pool, p.OrgID, p.UserID, wentOut)
	if err != nil {
		return Counts{}, fmt.Errorf("my share totals: %w", err)
	}
	return c, nil
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
	if err := shareCounts(ctx, s.pool, p.OrgID, postIDs, wentOut, out); err != nil {
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
	out, err := rankEmployees(ctx, s.pool, p.OrgID, from, to, wentOut, PointsPerShare, PointsPerClick, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("leaderboard: %w", err)
	}
	return out, nil
}

// MyLeaderboardEntry returns the caller's own entry in the Leaderboard over [from, to), wherever
// they rank; nil when they have no points in the period.
func (s *Service) MyLeaderboardEntry(ctx context.Context, from, to time.Time) (*LeaderboardEntry, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if !to.After(from) {
		return nil, apperr.Invalidf("to", "must be after from")
	}
	e, err := rankEmployee(ctx, s.pool, p.OrgID, from, to, wentOut, PointsPerShare, PointsPerClick, p.UserID)
	if err != nil {
		return nil, fmt.Errorf("leaderboard entry: %w", err)
	}
	return e, nil
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
	shares, err := archivedShares(ctx, s.pool, p.OrgID, f, after != nil, afterAt, afterID, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("share archive: %w", err)
	}
	return s.decorateAll(ctx, shares)
}
