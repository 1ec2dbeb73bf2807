package boards

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"clearpost/internal/auth"
	"clearpost/internal/postgres"
	"clearpost/internal/search"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// The boards' SQL, and the small functions that run it.

const boardColumns = `id, org_id, name, description, cover_url, audience_everyone, audience_groups, audience_departments,
	audience_regions, curators, archived_at, revision, created_by, created_at, updated_at`

func scanBoard(row pgx.Row) (*Board, error) {
	var b Board
	err := row.Scan(&b.ID, &b.OrgID, &b.Name, &b.Description, &b.CoverURL, &b.Audience.Everyone, &b.Audience.Groups,
		&b.Audience.Departments, &b.Audience.Regions, &b.Curators, &b.ArchivedAt, &b.Revision, &b.CreatedBy, &b.CreatedAt, &b.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &b, nil
}

const (
	selectBoard = `SELECT ` + boardColumns + ` FROM boards WHERE org_id = $1 AND id = $2`
	lockBoard   = selectBoard + ` FOR UPDATE`
)

// getBoard reads board id of org, locked for the rest of the transaction when forUpdate.
func getBoard(ctx context.Context, db postgres.DB, org, id uuid.UUID, forUpdate bool) (*Board, error) {
	q := selectBoard
	if forUpdate {
		q = lockBoard
	}
	return scanBoard(db.QueryRow(ctx, q, org, id))
}

func listBoards(ctx context.Context, db postgres.DB, org uuid.UUID, includeArchived bool) ([]*Board, error) {
	rows, err := db.Query(ctx, `SELECT `+boardColumns+` FROM boards WHERE org_id = $1 AND ($2 OR archived_at IS NULL)
		ORDER BY lower(name), id`, org, includeArchived)
	if err != nil {
		return nil, fmt.Errorf("list boards: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Board, error) { return scanBoard(r) })
}

// The audience conditions below are Audience.Includes for SQL over boards b.

// visibleBoards returns the ids of the unarchived boards p sees (every board for editors).
func visibleBoards(ctx context.Context, db postgres.DB, p *auth.Principal) ([]uuid.UUID, error) {
	rows, err := db.Query(ctx, `SELECT b.id FROM boards b WHERE b.org_id = $1 AND b.archived_at IS NULL
		AND ($2 OR $3 = ANY(b.curators) OR (b.audience_everyone OR b.audience_groups && $4::text[]
			OR ($5::text <> '' AND $5::text = ANY(b.audience_departments))
			OR ($6::text <> '' AND $6::text = ANY(b.audience_regions))))`,
		p.OrgID, p.Has(editors...), p.UserID, p.Groups, p.Department, p.Region)
	if err != nil {
		return nil, fmt.Errorf("visible boards: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// OnVisibleBoard reports whether an APPROVED post is on a live item of a board whose audience
// includes p: the only way an employee sees a post.
func OnVisibleBoard(ctx context.Context, db postgres.DB, p *auth.Principal, postID uuid.UUID) (bool, error) {
	var ok bool
	err := db.QueryRow(ctx, `SELECT EXISTS (
		SELECT 1 FROM board_items bi JOIN boards b ON b.id = bi.board_id JOIN posts po ON po.id = bi.post_id
		WHERE bi.org_id = $1 AND bi.post_id = $2 AND b.archived_at IS NULL AND po.state = 'APPROVED'
		  AND (bi.expires_at IS NULL OR bi.expires_at > now())
		  AND ((b.audience_everyone OR b.audience_groups && $3::text[]
			OR ($4::text <> '' AND $4::text = ANY(b.audience_departments))
			OR ($5::text <> '' AND $5::text = ANY(b.audience_regions))) OR $6 = ANY(b.curators)))`,
		p.OrgID, postID, p.Groups, p.Department, p.Region, p.UserID).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("post %s on a visible board: %w", postID, err)
	}
	return ok, nil
}

// countUsers counts the users of org among ids.
func countUsers(ctx context.Context, db postgres.DB, org uuid.UUID, ids []uuid.UUID) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM users WHERE org_id = $1 AND id = ANY($2)`, org, ids).Scan(&n)
	return n, err
}

func insertBoard(ctx context.Context, tx pgx.Tx, org, by uuid.UUID, in Input) (*Board, error) {
	return scanBoard(tx.QueryRow(ctx, `INSERT INTO boards (org_id, name, description, cover_url, audience_everyone,
			audience_groups, audience_departments, audience_regions, curators, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING `+boardColumns,
		org, in.Name, in.Description, in.CoverURL, in.Audience.Everyone, in.Audience.Groups,
		in.Audience.Departments, in.Audience.Regions, in.Curators, by))
}

func updateBoard(ctx context.Context, tx pgx.Tx, org, id uuid.UUID, in Input) (*Board, error) {
	return scanBoard(tx.QueryRow(ctx, `UPDATE boards SET name = $3, description = $4, cover_url = $5, audience_everyone = $6,
			audience_groups = $7, audience_departments = $8, audience_regions = $9, curators = $10,
			revision = revision + 1, updated_at = now()
		WHERE org_id = $1 AND id = $2 RETURNING `+boardColumns,
		org, id, in.Name, in.Description, in.CoverURL, in.Audience.Everyone, in.Audience.Groups,
		in.Audience.Departments, in.Audience.Regions, in.Curators))
}

func archiveBoard(ctx context.Context, tx pgx.Tx, id uuid.UUID) (*Board, error) {
	return scanBoard(tx.QueryRow(ctx, `UPDATE boards SET archived_at = now(), revision = revision + 1, updated_at = now()
		WHERE id = $1 RETURNING `+boardColumns, id))
}

// countLiveBoards counts the unarchived boards of org among ids.
func countLiveBoards(ctx context.Context, db postgres.DB, org uuid.UUID, ids []uuid.UUID) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM boards WHERE org_id = $1 AND id = ANY($2) AND archived_at IS NULL`, org, ids).Scan(&n)
	return n, err
}

const itemColumns = `board_id, post_id, pinned, position, expires_at, suggested_text, added_by, added_at`

func scanItem(row pgx.Row, extra ...any) (*Item, error) {
	var it Item
	var text []byte
	if err := row.Scan(append([]any{&it.BoardID, &it.PostID, &it.Pinned, &it.Position, &it.ExpiresAt, &text, &it.AddedBy, &it.AddedAt}, extra...)...); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(text, &it.SuggestedText); err != nil {
		return nil, err
	}
	return &it, nil
}

// upsertItem puts post on board, on top, or updates its expiry and suggested text when it is there.
func upsertItem(ctx context.Context, tx pgx.Tx, org, board, post, by uuid.UUID, expiresAt *time.Time, suggestedText []byte) (*Item, error) {
	return scanItem(tx.QueryRow(ctx, `INSERT INTO board_items (board_id, post_id, org_id, position, expires_at, suggested_text, added_by)
		VALUES ($1, $2, $3, greatest(extract(epoch FROM now()), (SELECT coalesce(max(position), 0) + 1 FROM board_items WHERE board_id = $1)), $4, $5, $6)
		ON CONFLICT (board_id, post_id) DO UPDATE SET expires_at = EXCLUDED.expires_at, suggested_text = EXCLUDED.suggested_text
		RETURNING `+itemColumns, board, post, org, expiresAt, suggestedText, by))
}

func getItem(ctx context.Context, db postgres.DB, board, post uuid.UUID) (*Item, error) {
	return scanItem(db.QueryRow(ctx, `SELECT `+itemColumns+` FROM board_items WHERE board_id = $1 AND post_id = $2`, board, post))
}

// deleteItem takes post off board and reports whether it was there.
func deleteItem(ctx context.Context, tx pgx.Tx, board, post uuid.UUID) (bool, error) {
	tag, err := tx.Exec(ctx, `DELETE FROM board_items WHERE board_id = $1 AND post_id = $2`, board, post)
	return tag.RowsAffected() > 0, err
}

func setPinned(ctx context.Context, tx pgx.Tx, board, post uuid.UUID, pinned bool) (*Item, error) {
	return scanItem(tx.QueryRow(ctx, `UPDATE board_items SET pinned = $3 WHERE board_id = $1 AND post_id = $2 RETURNING `+itemColumns,
		board, post, pinned))
}

// setPositions gives the items of board the positions of their posts.
func setPositions(ctx context.Context, tx pgx.Tx, board uuid.UUID, moves []slot) error {
	ids := make([]uuid.UUID, len(moves))
	positions := make([]float64, len(moves))
	for i, m := range moves {
		ids[i], positions[i] = m.postID, m.position
	}
	_, err := tx.Exec(ctx, `UPDATE board_items bi SET position = u.position
		FROM unnest($2::uuid[], $3::float8[]) AS u (post_id, position)
		WHERE bi.board_id = $1 AND bi.post_id = u.post_id`, board, ids, positions)
	return err
}

func removeAllFrom(ctx context.Context, tx pgx.Tx, board uuid.UUID) ([]uuid.UUID, error) {
	rows, err := tx.Query(ctx, `DELETE FROM board_items WHERE board_id = $1 RETURNING post_id`, board)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// feedOrder is the order in which a board shows its items, and the feed its items (board_items
// bi): pinned first, then by position, larger first, then by post id. Move places items in this
// order, and FeedCursor pages through it.
const feedOrder = `bi.pinned DESC, bi.position DESC, bi.post_id DESC`

// boardOrder reads the places of a board's items in feedOrder.
func boardOrder(ctx context.Context, db postgres.DB, board uuid.UUID) ([]slot, error) {
	rows, err := db.Query(ctx, `SELECT bi.post_id, bi.pinned, bi.position FROM board_items bi
		WHERE bi.board_id = $1 ORDER BY `+feedOrder, board)
	if err != nil {
		return nil, fmt.Errorf("board %s order: %w", board, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (slot, error) {
		var s slot
		return s, r.Scan(&s.postID, &s.pinned, &s.position)
	})
	if err != nil {
		return nil, fmt.Errorf("board %s order: %w", board, err)
	}
	return out, nil
}

// feedItems reads up to n live items after cur in feedOrder from the boards p sees (only board,
// when not nil). The caller's boards are decided in the same statement (one round trip on the hot
// path). Only board_items is read: joining posts to check their state doubled the execution and
// tripled the planning, for what FeedPosts checks anyway.
func feedItems(ctx context.Context, db postgres.DB, p *auth.Principal, board *uuid.UUID, cur FeedCursor, n int) ([]Item, error) {
	rows, err := db.Query(ctx, `SELECT bi.board_id, bi.post_id, bi.pinned, bi.position, bi.expires_at, bi.suggested_text, bi.added_by, bi.added_at
		FROM board_items bi
		WHERE bi.org_id = $1
		  AND bi.board_id = ANY(ARRAY(SELECT b.id FROM boards b WHERE b.org_id = $1 AND b.archived_at IS NULL
				AND ($5::uuid IS NULL OR b.id = $5)
				AND ($6 OR $7 = ANY(b.curators) OR (b.audience_everyone OR b.audience_groups && $8::text[]
					OR ($9::text <> '' AND $9::text = ANY(b.audience_departments))
					OR ($10::text <> '' AND $10::text = ANY(b.audience_regions))))))
		  AND (bi.expires_at IS NULL OR bi.expires_at > now())
		  AND (bi.pinned, bi.position, bi.post_id) < ($2, $3, $4)
		ORDER BY `+feedOrder+`
		LIMIT $11`, p.OrgID, cur.Pinned, cur.Position, cur.PostID, board,
		p.Has(editors...), p.UserID, p.Groups, p.Department, p.Region, n)
	if err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Item, error) {
		it, err := scanItem(r)
		if err != nil {
			return Item{}, err
		}
		return *it, nil
	})
}

// LivePosts returns which of posts are APPROVED and on one of boards now (their item not expired).
func (s *Service) LivePosts(ctx context.Context, org uuid.UUID, posts, boards []uuid.UUID) ([]uuid.UUID, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT bi.post_id FROM board_items bi JOIN posts po ON po.id = bi.post_id
		WHERE bi.org_id = $1 AND bi.post_id = ANY($2) AND bi.board_id = ANY($3) AND po.state = 'APPROVED'
		  AND (bi.expires_at IS NULL OR bi.expires_at > now())`, org, posts, boards)
	if err != nil {
		return nil, fmt.Errorf("check search hits: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// sharePostState reads a post's state, holding it in that state for the rest of the transaction.
func sharePostState(ctx context.Context, tx pgx.Tx, org, post uuid.UUID) (string, error) {
	var state string
	var approvedAt *time.Time
	err := tx.QueryRow(ctx, `SELECT state, approved_at FROM posts WHERE org_id = $1 AND id = $2 FOR SHARE`, org, post).Scan(&state, &approvedAt)
	return state, err
}

// lockPostState reads a post's state, locked for the rest of the transaction.
func lockPostState(ctx context.Context, tx pgx.Tx, org, post uuid.UUID) (string, error) {
	var state string
	err := tx.QueryRow(ctx, `SELECT state FROM posts WHERE org_id = $1 AND id = $2 FOR UPDATE`, org, post).Scan(&state)
	return state, err
}

// replaceTargets makes boards the boards post targets.
func replaceTargets(ctx context.Context, tx pgx.Tx, org, post uuid.UUID, boards []uuid.UUID) error {
	if _, err := tx.Exec(ctx, `DELETE FROM post_board_targets WHERE post_id = $1`, post); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO post_board_targets (post_id, board_id, org_id) SELECT $1, unnest($2::uuid[]), $3`, post, boards, org)
	return err
}

// PlaceApproved puts an approved post on the boards it targets, in the approval's transaction.
func PlaceApproved(ctx context.Context, db postgres.Execer, postID, actor uuid.UUID) error {
	_, err := db.Exec(ctx, `INSERT INTO board_items (board_id, post_id, org_id, position, added_by)
		SELECT t.board_id, t.post_id, t.org_id, extract(epoch FROM now()), $2
		FROM post_board_targets t JOIN boards b ON b.id = t.board_id AND b.archived_at IS NULL
		WHERE t.post_id = $1
		ON CONFLICT (board_id, post_id) DO NOTHING`, postID, actor)
	return err
}

// RemoveUnapproved takes a post that left APPROVED off every board, in that transaction.
func RemoveUnapproved(ctx context.Context, db postgres.Execer, postID uuid.UUID) error {
	_, err := db.Exec(ctx, `DELETE FROM board_items WHERE post_id = $1`, postID)
	return err
}

// tryLock takes the transaction-scoped advisory lock key if no one holds it.
func tryLock(ctx context.Context, tx pgx.Tx, key int64) (bool, error) {
	var locked bool
	err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, key).Scan(&locked)
	return locked, err
}

// expiredItem is an item the expiry sweep took off its board.
type expiredItem struct{ org, board, post uuid.UUID }

func deleteExpiredItems(ctx context.Context, tx pgx.Tx) ([]expiredItem, error) {
	rows, err := tx.Query(ctx, `DELETE FROM board_items WHERE expires_at <= now() RETURNING org_id, board_id, post_id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (expiredItem, error) {
		var g expiredItem
		return g, r.Scan(&g.org, &g.board, &g.post)
	})
}

// lockMaxContentAge reads org's maximum content age, locked for the rest of the transaction.
func lockMaxContentAge(ctx context.Context, tx pgx.Tx, org uuid.UUID) (*int, error) {
	var days *int
	err := tx.QueryRow(ctx, `SELECT max_content_age_days FROM organizations WHERE id = $1 FOR UPDATE`, org).Scan(&days)
	return days, err
}

func setMaxContentAge(ctx context.Context, tx pgx.Tx, org uuid.UUID, days *int) error {
	_, err := tx.Exec(ctx, `UPDATE organizations SET max_content_age_days = $2 WHERE id = $1`, org, days)
	return err
}

func maxContentAge(ctx context.Context, db postgres.DB, org uuid.UUID) (*int, error) {
	var days *int
	err := db.QueryRow(ctx, `SELECT max_content_age_days FROM organizations WHERE id = $1`, org).Scan(&days)
	return days, err
}

// documentQuery reads what the index knows of posts: the approved version's content and the live
// boards the post is on. A post that is not APPROVED gets no boards, so Upsert deletes it.
const documentQuery = `SELECT p.id, p.org_id, v.id, v.content_hash, v.content, coalesce(p.approved_at, p.updated_at),
		CASE WHEN p.state = 'APPROVED' THEN ARRAY(
			SELECT bi.board_id FROM board_items bi JOIN boards b ON b.id = bi.board_id
			WHERE bi.post_id = p.id AND b.archived_at IS NULL AND (bi.expires_at IS NULL OR bi.expires_at > now())
			ORDER BY bi.board_id) ELSE '{}' END
	FROM posts p JOIN post_versions v ON v.post_id = p.id AND v.number = p.current_version`

const (
	selectDocument  = documentQuery + ` WHERE p.org_id = $1 AND p.id = $2`
	selectDocuments = documentQuery + ` WHERE p.org_id = $1 AND p.id > $2 ORDER BY p.id LIMIT $3`
)

type versionContent struct {
	Title     string   `json:"title"`
	Body      string   `json:"body"`
	Tags      []string `json:"tags"`
	Channels  []string `json:"channels"`
	Category  string   `json:"category"`
	Region    string   `json:"region"`
	ShareText string   `json:"share_text"`
}

func scanDocument(row pgx.Row) (search.Document, error) {
	var d search.Document
	var raw []byte
	if err := row.Scan(&d.PostID, &d.OrgID, &d.VersionID, &d.ContentHash, &raw, &d.ApprovedAt, &d.BoardIDs); err != nil {
		return d, err
	}
	var c versionContent
	if err := json.Unmarshal(raw, &c); err != nil {
		return d, fmt.Errorf("decode post %s: %w", d.PostID, err)
	}
	d.Title, d.Body, d.ShareText, d.Tags, d.Channels, d.Category, d.Region = c.Title, c.Body, c.ShareText, c.Tags, c.Channels, c.Category, c.Region
	return d, nil
}

func getDocument(ctx context.Context, db postgres.DB, org, post uuid.UUID) (search.Document, error) {
	return scanDocument(db.QueryRow(ctx, selectDocument, org, post))
}

// documentsAfter reads up to n of org's posts with ids above after, by id.
func documentsAfter(ctx context.Context, db postgres.DB, org, after uuid.UUID, n int) ([]search.Document, error) {
	rows, err := db.Query(ctx, selectDocuments, org, after, n)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (search.Document, error) { return scanDocument(r) })
}

func countPosts(ctx context.Context, db postgres.DB, org uuid.UUID) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM posts WHERE org_id = $1`, org).Scan(&n)
	return n, err
}
