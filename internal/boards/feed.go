package boards

import (
	"context"
	"fmt"
	"time"

	"clearpost/internal/auth"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// audienceSQL is Audience.Includes for SQL over boards b, with $ placeholders for the caller:
// {groups} text[], {department} text, {region} text.
const audienceSQL = `(b.audience_everyone OR b.audience_groups && %[1]s::text[]
	OR (%[2]s::text <> '' AND %[2]s::text = ANY(b.audience_departments))
	OR (%[3]s::text <> '' AND %[3]s::text = ANY(b.audience_regions)))`

// OnVisibleBoard reports whether an APPROVED post is on a live item of a board whose audience
// includes p: the only way an employee sees a post.
func OnVisibleBoard(ctx context.Context, db postgres.DB, p *auth.Principal, postID uuid.UUID) (bool, error) {
	var ok bool
	err := db.QueryRow(ctx, `SELECT EXISTS (
		SELECT 1 FROM board_items bi JOIN boards b ON b.id = bi.board_id JOIN posts po ON po.id = bi.post_id
		WHERE bi.org_id = $1 AND bi.post_id = $2 AND b.archived_at IS NULL AND po.state = 'APPROVED'
		  AND (bi.expires_at IS NULL OR bi.expires_at > now())
		  AND (`+fmt.Sprintf(audienceSQL, "$3", "$4", "$5")+` OR $6 = ANY(b.curators)))`,
		p.OrgID, postID, p.Groups, p.Department, p.Region, p.UserID).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("post %s on a visible board: %w", postID, err)
	}
	return ok, nil
}

// FeedItem is a post in the caller's feed, with the item that put it there.
type FeedItem struct {
	Item
	ApprovedAt time.Time
}

// FeedCursor is the keyset position in the feed: pinned first, then by position (newest first).
type FeedCursor struct {
	Pinned   bool      `json:"p"`
	Position float64   `json:"o"`
	PostID   uuid.UUID `json:"i"`
}

// Feed returns up to limit posts from the boards the caller may see (or from board, when given),
// pinned first, then newest, after cursor, and whether more follow. A post on several of the
// caller's boards shows once per page, at its first place.
func (s *Service) Feed(ctx context.Context, board *uuid.UUID, after *FeedCursor, limit int) ([]FeedItem, bool, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, false, err
	}
	var one *uuid.UUID
	if board != nil {
		b, err := s.board(ctx, s.pool, p, *board, false)
		if err != nil {
			return nil, false, err
		}
		if b.ArchivedAt != nil {
			return nil, false, nil
		}
		one = &b.ID
	}
	cur := FeedCursor{Pinned: true, Position: 1e300}
	if after != nil {
		cur = *after
	}
	// The caller's boards are decided in the same statement (one round trip on the hot path).
	// Read a little more than a page: duplicates of a post on several boards are dropped.
	rows, err := s.pool.Query(ctx, `SELECT `+postgres.Prefix("bi.", itemColumns)+`, po.approved_at
		FROM board_items bi JOIN posts po ON po.id = bi.post_id
		WHERE bi.org_id = $1 AND po.state = 'APPROVED'
		  AND bi.board_id = ANY(ARRAY(SELECT b.id FROM boards b WHERE b.org_id = $1 AND b.archived_at IS NULL
				AND ($6::uuid IS NULL OR b.id = $6)
				AND ($7 OR $8 = ANY(b.curators) OR `+fmt.Sprintf(audienceSQL, "$9", "$10", "$11")+`)))
		  AND (bi.expires_at IS NULL OR bi.expires_at > now())
		  AND (bi.pinned, bi.position, bi.post_id) < ($2, $3, $4)
		ORDER BY bi.pinned DESC, bi.position DESC, bi.post_id DESC
		LIMIT $5`, p.OrgID, cur.Pinned, cur.Position, cur.PostID, limit*2+1, one,
		p.Has(editors...), p.UserID, p.Groups, p.Department, p.Region)
	if err != nil {
		return nil, false, fmt.Errorf("feed: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (FeedItem, error) {
		var fi FeedItem
		it, err := scanItem(r, &fi.ApprovedAt)
		if err == nil {
			fi.Item = *it
		}
		return fi, err
	})
	if err != nil {
		return nil, false, err
	}
	more := len(items) == limit*2+1
	seen := map[uuid.UUID]bool{}
	out := items[:0]
	for _, it := range items {
		if !seen[it.PostID] {
			seen[it.PostID] = true
			out = append(out, it)
		}
	}
	if len(out) > limit {
		out, more = out[:limit], true
	}
	return out, more, nil
}
