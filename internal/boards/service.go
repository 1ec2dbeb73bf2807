package boards

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/jobs"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Service manages boards and their items.
type Service struct {
	pool *pgxpool.Pool
}

// NewService returns the service on pool.
func NewService(pool *pgxpool.Pool) *Service { return &Service{pool: pool} }

var editors = auth.Editors

// canSee reports whether p may see board b: editors see every board of their organization,
// curators theirs, everyone else the unarchived boards whose audience includes them.
func canSee(p *auth.Principal, b *Board) bool {
	switch {
	case p.OrgID != b.OrgID:
		return false
	case p.Has(editors...), slices.Contains(b.Curators, p.UserID):
		return true
	}
	return b.ArchivedAt == nil && b.Audience.Includes(p)
}

func canCurate(p *auth.Principal, b *Board) bool {
	return p.OrgID == b.OrgID && (p.Has(editors...) || slices.Contains(b.Curators, p.UserID))
}

func (s *Service) board(ctx context.Context, db postgres.DB, p *auth.Principal, id uuid.UUID, forUpdate bool) (*Board, error) {
	b, err := getBoard(ctx, db, p.OrgID, id, forUpdate)
	if postgres.NoRows(err) || (err == nil && !canSee(p, b)) {
		return nil, apperr.NotFoundf("board %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get board %s: %w", id, err)
	}
	return b, nil
}

// Get returns a board the caller may see.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*Board, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	return s.board(ctx, s.pool, p, id, false)
}

// List returns the boards the caller may see, by name. Boards are few (hundreds), so the list is
// read whole and paged by the caller.
func (s *Service) List(ctx context.Context, includeArchived bool) ([]*Board, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	all, err := listBoards(ctx, s.pool, p.OrgID, includeArchived)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(b *Board) bool { return !canSee(p, b) }), nil
}

// Visible returns the ids of the unarchived boards whose audience includes the caller (every
// board for editors, and the boards they curate): the scope of their feed and search. It runs on
// every feed and search, so the audience is decided in SQL and only ids come back.
func (s *Service) Visible(ctx context.Context) ([]uuid.UUID, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	return visibleBoards(ctx, s.pool, p)
}

func record(ctx context.Context, db postgres.Execer, p *auth.Principal, action, subjectType, subject string, details map[string]any) error {
	return p.Record(ctx, db, action, subjectType, subject, details)
}

func normalize(in Input) Input {
	in.Name = strings.TrimSpace(in.Name)
	in.Curators = uniqueIDs(in.Curators)
	for _, l := range []*[]string{&in.Audience.Groups, &in.Audience.Departments, &in.Audience.Regions} {
		*l = slices.Compact(slices.Sorted(slices.Values(*l)))
		if *l == nil {
			*l = []string{}
		}
	}
	if in.Curators == nil {
		in.Curators = []uuid.UUID{}
	}
	return in
}

func (s *Service) checkCurators(ctx context.Context, db postgres.DB, org uuid.UUID, curators []uuid.UUID) error {
	n, err := countUsers(ctx, db, org, curators)
	if err != nil {
		return err
	}
	if n != len(curators) {
		return apperr.Invalidf("curators", "names users that are not in this organization")
	}
	return nil
}

// Create stores a new board (marketers and admins).
func (s *Service) Create(ctx context.Context, in Input) (*Board, error) {
	p, err := auth.Require(ctx, editors...)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	in = normalize(in)
	var b *Board
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := s.checkCurators(ctx, tx, p.OrgID, in.Curators); err != nil {
			return err
		}
		b, err = insertBoard(ctx, tx, p.OrgID, p.UserID, in)
		if err != nil {
			return nameConflict(err)
		}
		return record(ctx, tx, p, "board.created", "board", b.ID.String(), map[string]any{"board": details(b)})
	})
	if err != nil {
		return nil, fmt.Errorf("create board: %w", err)
	}
	return b, nil
}

func nameConflict(err error) error {
	err = postgres.MapError(err)
	if errors.Is(err, apperr.ErrConflict) {
		return &apperr.Error{Code: apperr.Conflict, Field: "name", Message: "a board with this name already exists"}
	}
	return err
}

func details(b *Board) map[string]any {
	return map[string]any{"name": b.Name, "audience": b.Audience, "curators": b.Curators, "revision": b.Revision}
}

// Update replaces a board's settings (editors and its curators). expectedRevision, when not 0,
// must be the stored revision. An audience change reaches the search index.
func (s *Service) Update(ctx context.Context, id uuid.UUID, in Input, expectedRevision int) (*Board, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	in = normalize(in)
	var b *Board
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		before, err := s.board(ctx, tx, p, id, true)
		if err != nil {
			return err
		}
		if !canCurate(p, before) {
			return apperr.Forbiddenf("only marketers, admins and the board's curators change it")
		}
		// Curators arrange a board; who sees it, and who curates it, is for marketers and admins.
		if !p.Has(editors...) && (!sameAudience(before.Audience, in.Audience) || !slices.Equal(before.Curators, in.Curators)) {
			return apperr.Forbiddenf("only marketers and admins change a board's audience or curators")
		}
		if expectedRevision != 0 && expectedRevision != before.Revision {
			return apperr.Conflictf("board changed since you read it (revision %d, you edited %d)", before.Revision, expectedRevision)
		}
		if err := s.checkCurators(ctx, tx, p.OrgID, in.Curators); err != nil {
			return err
		}
		b, err = updateBoard(ctx, tx, p.OrgID, id, in)
		if err != nil {
			return nameConflict(err)
		}
		return record(ctx, tx, p, "board.updated", "board", b.ID.String(), map[string]any{"before": details(before), "after": details(b)})
	})
	if err != nil {
		return nil, fmt.Errorf("update board %s: %w", id, err)
	}
	return b, nil
}

// Archive takes a board out of every feed and search; its items go with it.
func (s *Service) Archive(ctx context.Context, id uuid.UUID) (*Board, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	var b *Board
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		before, err := s.board(ctx, tx, p, id, true)
		if err != nil {
			return err
		}
		if !canCurate(p, before) {
			return apperr.Forbiddenf("only marketers, admins and the board's curators archive it")
		}
		if before.ArchivedAt != nil {
			b = before
			return nil
		}
		b, err = archiveBoard(ctx, tx, id)
		if err != nil {
			return err
		}
		posts, err := removeAllFrom(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := record(ctx, tx, p, "board.archived", "board", id.String(), map[string]any{"name": b.Name, "posts_removed": len(posts)}); err != nil {
			return err
		}
		return reindex(ctx, tx, p.OrgID, posts)
	})
	if err != nil {
		return nil, fmt.Errorf("archive board %s: %w", id, err)
	}
	return b, nil
}

// reindex asks the workers to bring the search index in step with the posts' boards.
func reindex(ctx context.Context, db postgres.Execer, org uuid.UUID, posts []uuid.UUID) error {
	for _, id := range posts {
		if err := jobs.Enqueue(ctx, db, org, jobs.TopicPostBoardsChanged, map[string]any{"post_id": id}); err != nil {
			return err
		}
	}
	return nil
}

// ItemInput places a post on a board.
type ItemInput struct {
	ExpiresAt     *time.Time
	SuggestedText map[string]string
}

// Add puts an APPROVED post on a board (editors and the board's curators), on top.
func (s *Service) Add(ctx context.Context, boardID, postID uuid.UUID, in ItemInput) (*Item, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := ValidateSuggestedText("suggestedText", in.SuggestedText); err != nil {
		return nil, err
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.After(time.Now()) {
		return nil, apperr.Invalidf("expiresAt", "is in the past")
	}
	var it *Item
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		b, err := s.board(ctx, tx, p, boardID, false)
		if err != nil {
			return err
		}
		if !canCurate(p, b) {
			return apperr.Forbiddenf("only marketers, admins and the board's curators add to it")
		}
		if b.ArchivedAt != nil {
			return apperr.Conflictf("board %q is archived", b.Name)
		}
		state, err := sharePostState(ctx, tx, p.OrgID, postID)
		if postgres.NoRows(err) {
			return apperr.NotFoundf("post %s not found", postID)
		}
		if err != nil {
			return err
		}
		if state != "APPROVED" {
			return apperr.Conflictf("post is %s: only APPROVED posts go on boards", state)
		}
		if !p.Has(editors...) {
			// A curator may only bring posts they can already see to their board.
			ok, err := OnVisibleBoard(ctx, tx, p, postID)
			if err != nil {
				return err
			}
			if !ok {
				return apperr.NotFoundf("post %s not found", postID)
			}
		}
		text, _ := json.Marshal(orEmpty(in.SuggestedText))
		it, err = upsertItem(ctx, tx, p.OrgID, boardID, postID, p.UserID, in.ExpiresAt, text)
		if err != nil {
			return err
		}
		if err := record(ctx, tx, p, "board.post_added", "board", boardID.String(), map[string]any{"post_id": postID, "expires_at": in.ExpiresAt}); err != nil {
			return err
		}
		return reindex(ctx, tx, p.OrgID, []uuid.UUID{postID})
	})
	if err != nil {
		return nil, fmt.Errorf("add post %s to board %s: %w", postID, boardID, err)
	}
	return it, nil
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// Remove takes a post off a board.
func (s *Service) Remove(ctx context.Context, boardID, postID uuid.UUID) error {
	p, err := auth.Require(ctx)
	if err != nil {
		return err
	}
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		b, err := s.board(ctx, tx, p, boardID, false)
		if err != nil {
			return err
		}
		if !canCurate(p, b) {
			return apperr.Forbiddenf("only marketers, admins and the board's curators remove from it")
		}
		removed, err := deleteItem(ctx, tx, boardID, postID)
		if err != nil {
			return err
		}
		if !removed {
			return apperr.NotFoundf("post %s is not on board %s", postID, boardID)
		}
		if err := record(ctx, tx, p, "board.post_removed", "board", boardID.String(), map[string]any{"post_id": postID}); err != nil {
			return err
		}
		return reindex(ctx, tx, p.OrgID, []uuid.UUID{postID})
	})
	if err != nil {
		return fmt.Errorf("remove post %s from board %s: %w", postID, boardID, err)
	}
	return nil
}

// Pin pins or unpins an item: pinned items lead the board and the feed.
func (s *Service) Pin(ctx context.Context, boardID, postID uuid.UUID, pinned bool) (*Item, error) {
	return s.changeItem(ctx, boardID, postID, "board.post_pinned", map[string]any{"pinned": pinned},
		func(tx pgx.Tx) (*Item, error) { return setPinned(ctx, tx, boardID, postID, pinned) })
}

// Move places an item right below another in the board's displayed order (after = nil: on top of
// its kind). The displayed order is feedOrder: pinned items first, then by position.
//
//   - Moving after an item of the same kind (both pinned, or both not) puts the item right below it.
//   - Moving an unpinned item after a pinned one puts it first among the unpinned items, which is
//     right below the pinned ones: pinned items stay first.
//   - A pinned item cannot go below an unpinned one (afterPostId is refused): unpin it first.
//   - after = nil puts a pinned item first among the pinned, an unpinned item first among the
//     unpinned.
//
// after must be another item of the board (afterPostId, BAD_USER_INPUT); postID not on the board is
// NOT_FOUND. A refused move changes nothing.
func (s *Service) Move(ctx context.Context, boardID, postID uuid.UUID, after *uuid.UUID) (*Item, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if after != nil && *after == postID {
		return nil, apperr.Invalidf("afterPostId", "cannot place an item after itself")
	}
	var it *Item
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		// The board's row lock serializes the moves on one board: each reads the order it changes.
		b, err := s.board(ctx, tx, p, boardID, true)
		if err != nil {
			return err
		}
		if !canCurate(p, b) {
			return apperr.Forbiddenf("only marketers, admins and the board's curators arrange it")
		}
		order, err := boardOrder(ctx, tx, boardID)
		if err != nil {
			return err
		}
		moves, err := placeAfter(order, postID, after)
		if err != nil {
			return err
		}
		if err := setPositions(ctx, tx, boardID, moves); err != nil {
			return err
		}
		it, err = getItem(ctx, tx, boardID, postID)
		if err != nil {
			return err
		}
		return record(ctx, tx, p, "board.post_moved", "board", boardID.String(), map[string]any{
			"post_id": postID, "after_post_id": after, "positions_changed": len(moves),
		})
	})
	if err != nil {
		return nil, fmt.Errorf("move post %s on board %s: %w", postID, boardID, err)
	}
	return it, nil
}

func (s *Service) changeItem(ctx context.Context, boardID, postID uuid.UUID, action string, details map[string]any, change func(pgx.Tx) (*Item, error)) (*Item, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	var it *Item
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		b, err := s.board(ctx, tx, p, boardID, true)
		if err != nil {
			return err
		}
		if !canCurate(p, b) {
			return apperr.Forbiddenf("only marketers, admins and the board's curators arrange it")
		}
		it, err = change(tx)
		if postgres.NoRows(err) {
			return apperr.NotFoundf("post is not on board %s", boardID)
		}
		if err != nil {
			return err
		}
		if math.IsNaN(it.Position) {
			return fmt.Errorf("position is not a number")
		}
		details["post_id"] = postID
		return record(ctx, tx, p, action, "board", boardID.String(), details)
	})
	if err != nil {
		return nil, fmt.Errorf("%s on board %s: %w", action, boardID, err)
	}
	return it, nil
}

// Target aims a post at boards while it is drafted: it lands on them the moment it is approved
// (editors). An APPROVED post goes on the boards at once.
func (s *Service) Target(ctx context.Context, postID uuid.UUID, boardIDs []uuid.UUID) ([]uuid.UUID, error) {
	p, err := auth.Require(ctx, editors...)
	if err != nil {
		return nil, err
	}
	boardIDs = uniqueIDs(boardIDs)
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		state, err := lockPostState(ctx, tx, p.OrgID, postID)
		if postgres.NoRows(err) {
			return apperr.NotFoundf("post %s not found", postID)
		}
		if err != nil {
			return err
		}
		n, err := countLiveBoards(ctx, tx, p.OrgID, boardIDs)
		if err != nil {
			return err
		}
		if n != len(boardIDs) {
			return apperr.Invalidf("boardIds", "names boards that do not exist or are archived")
		}
		if err := replaceTargets(ctx, tx, p.OrgID, postID, boardIDs); err != nil {
			return err
		}
		if err := record(ctx, tx, p, "post.boards_targeted", "post", postID.String(), map[string]any{"board_ids": boardIDs}); err != nil {
			return err
		}
		if state != "APPROVED" {
			return nil
		}
		if err := PlaceApproved(ctx, tx, postID, p.UserID); err != nil {
			return err
		}
		return reindex(ctx, tx, p.OrgID, []uuid.UUID{postID})
	})
	if err != nil {
		return nil, fmt.Errorf("target post %s at boards: %w", postID, err)
	}
	return boardIDs, nil
}

// uniqueIDs sorts ids and drops repeats.
func uniqueIDs(ids []uuid.UUID) []uuid.UUID {
	out := slices.Clone(ids)
	slices.SortFunc(out, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return slices.Compact(out)
}

func sameAudience(a, b Audience) bool {
	return a.Everyone == b.Everyone && slices.Equal(a.Groups, b.Groups) &&
		slices.Equal(a.Departments, b.Departments) && slices.Equal(a.Regions, b.Regions)
}
