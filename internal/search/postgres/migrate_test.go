package postgres_test

import (
	"context"
	"testing"
	"time"

	"clearpost/internal/postgres/pgtest"
	"clearpost/internal/search"
	"clearpost/internal/search/postgres"
	"clearpost/migrations"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

// Migration 13 moves the shown texts out of search_documents: documents survive it both ways,
// and are found by the same words after it.
func TestSearchTextsMigrationKeepsDocuments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	idx := postgres.New(pool)
	org, board := uuid.New(), uuid.New()
	doc := search.Document{OrgID: org, PostID: uuid.New(), VersionID: uuid.New(), ContentHash: "h",
		Title: "Quarterly roadmap", Body: "The roadmap for the next quarter.", ShareText: "Read our roadmap",
		Tags: []string{"product"}, BoardIDs: []uuid.UUID{board}, ApprovedAt: time.Now()}
	if err := idx.Upsert(ctx, doc); err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 12); err != nil {
		t.Fatal(err)
	}
	var title, body, share string
	var matches bool
	if err := pool.QueryRow(ctx, `SELECT title, body, share_text, tsv @@ 'quarter'::tsquery FROM search_documents WHERE post_id = $1`, doc.PostID).
		Scan(&title, &body, &share, &matches); err != nil {
		t.Fatal(err)
	}
	if title != doc.Title || body != doc.Body || share != doc.ShareText || !matches {
		t.Errorf("after rolling back: %q %q %q, matches %v", title, body, share, matches)
	}
	if _, err := p.UpTo(ctx, 13); err != nil {
		t.Fatal(err)
	}
	res, err := idx.Search(ctx, search.Query{OrgID: org, Text: "roadmap", BoardIDs: []uuid.UUID{board}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || res.Hits[0].PostID != doc.PostID || res.Hits[0].Title != "Quarterly <mark>roadmap</mark>" {
		t.Errorf("after migrating again: %+v", res.Hits)
	}
}
