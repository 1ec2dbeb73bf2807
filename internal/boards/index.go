package boards

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"clearpost/internal/jobs"
	"clearpost/internal/postgres"
	"clearpost/internal/search"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Indexer keeps the search index in step with posts and their boards. It writes a post's current
// state, never an event's: syncing twice, late or out of order converges on the truth.
type Indexer struct {
	pool  *pgxpool.Pool
	index search.Index
	log   *slog.Logger
}

// NewIndexer returns an indexer writing to index.
func NewIndexer(pool *pgxpool.Pool, index search.Index, log *slog.Logger) *Indexer {
	return &Indexer{pool: pool, index: index, log: log}
}

// Sync writes one post's current state to the index (or takes it out).
func (x *Indexer) Sync(ctx context.Context, org, postID uuid.UUID) error {
	d, err := getDocument(ctx, x.pool, org, postID)
	if postgres.NoRows(err) {
		return x.index.Delete(ctx, org, postID)
	}
	if err != nil {
		return fmt.Errorf("index post %s: %w", postID, err)
	}
	return x.index.Upsert(ctx, d)
}

// Reindex rebuilds org's index from PostgreSQL in batches while the service keeps serving: every
// post is written in its current state, so APPROVED posts on boards are (re)indexed and every
// other post is taken out. progress, when not nil, is told how far it got.
func (x *Indexer) Reindex(ctx context.Context, org uuid.UUID, batch int, progress func(done, total int)) error {
	total, err := countPosts(ctx, x.pool, org)
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	start := time.Now()
	var after uuid.UUID
	done := 0
	for {
		docs, err := documentsAfter(ctx, x.pool, org, after, batch)
		if err != nil {
			return fmt.Errorf("reindex: %w", err)
		}
		if len(docs) == 0 {
			break
		}
		if err := x.index.Upsert(ctx, docs...); err != nil {
			return fmt.Errorf("reindex: %w", err)
		}
		after = docs[len(docs)-1].PostID
		done += len(docs)
		if progress != nil {
			progress(done, total)
		}
	}
	// A backend whose queries are planned from statistics has them refreshed after a rebuild
	// rather than when autovacuum gets to it: until then searches are planned for the old index.
	if a, ok := x.index.(interface{ Analyze(context.Context) error }); ok {
		if err := a.Analyze(ctx); err != nil {
			return fmt.Errorf("reindex: %w", err)
		}
	}
	x.log.InfoContext(ctx, "reindexed", slog.String("org_id", org.String()), slog.Int("posts", done), slog.Duration("took", time.Since(start)))
	return nil
}

// syncPayload is what search tasks carry: the relay's event and the post.
type syncPayload struct {
	jobs.Event
	PostID uuid.UUID `json:"post_id"`
}

// ProcessTask serves search:index and search:delete alike: both write the post's current state.
func (x *Indexer) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := jobs.DecodePayload[syncPayload](t)
	if err != nil {
		return err
	}
	if p.OrgID == uuid.Nil || p.PostID == uuid.Nil {
		return fmt.Errorf("%s payload without org_id or post_id: %w", t.Type(), asynq.SkipRetry)
	}
	return x.Sync(ctx, p.OrgID, p.PostID)
}
