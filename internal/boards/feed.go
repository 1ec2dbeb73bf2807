package boards

import (
	"context"
	"fmt"

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

// FeedCursor is the keyset position in the feed (feedOrder): pinned first, then by position
// (newest first), then by post id.
type FeedCursor struct {
	Pinned   bool      `json:"p"`
	Position float64   `json:"o"`
	PostID   uuid.UUID `json:"i"`
}

// Feed returns up to limit items from the boards the caller may see (or from board, when given),
// pinned first, then newest, after cursor, and whether more follow. A post on several of the
// caller's boards shows once per page, at its first place. Items hold only APPROVED posts (a post
// leaves every board in the transaction that takes it out of APPROVED); whoever loads the posts
// keeps to APPROVED ones all the same, as content.FeedPosts does.
func (s *Service) Feed(ctx context.Context, board *uuid.UUID, after *FeedCursor, limit int) ([]Item, bool, error) {
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
	// Read a little more than a page: duplicates of a post on several boards are dropped. Only
	// board_items is read: joining posts to check their state doubled the execution and tripled
	// the planning, for what FeedPosts checks anyway.
	rows, err := s.pool.Query(ctx, `SELECT `+postgres.Prefix("bi.", itemColumns)+`
		FROM board_items bi
		WHERE bi.org_id = $1
		  AND bi.board_id = ANY(ARRAY(SELECT b.id FROM boards b WHERE b.org_id = $1 AND b.archived_at IS NULL
				AND ($5::uuid IS NULL OR b.id = $5)
				AND ($6 OR $7 = ANY(b.curators) OR `+fmt.Sprintf(audienceSQL, "$8", "$9", "$10")+`)))
		  AND (bi.expires_at IS NULL OR bi.expires_at > now())
		  AND (bi.pinned, bi.position, bi.post_id) < ($2, $3, $4)
		ORDER BY `+feedOrder+`
		LIMIT $11`, p.OrgID, cur.Pinned, cur.Position, cur.PostID, one,
		p.Has(editors...), p.UserID, p.Groups, p.Department, p.Region, limit*2+1)
	if err != nil {
		return nil, false, fmt.Errorf("feed: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Item, error) {
		it, err := scanItem(r)
		if err != nil {
			return Item{}, err
		}
		return *it, nil
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
