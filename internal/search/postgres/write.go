package postgres

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"

	"clearpost/internal/postgres"
	"clearpost/internal/search"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// upsertSQL writes one document: what it is searched by (search_documents, with its vector,
// computed by search_tsvector) and what a hit shows (search_texts). A row that would not change is
// left alone, so that re-indexing an unchanged post writes nothing.
const upsertSQL = `
WITH texts AS (
    INSERT INTO search_texts AS t (org_id, post_id, title, body, share_text)
    VALUES ($1, $2, $5, $6, $7)
    ON CONFLICT (org_id, post_id) DO UPDATE SET
        title = EXCLUDED.title, body = EXCLUDED.body, share_text = EXCLUDED.share_text
    WHERE (t.title, t.body, t.share_text) IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.body, EXCLUDED.share_text)
)
INSERT INTO search_documents AS d (org_id, post_id, version_id, content_hash, tags, channels, category,
    region, language, board_ids, approved_at, tsv)
VALUES ($1, $2, $3, $4, $8, $9, $10, $11, $12::regconfig, $13, $14, search_tsvector($12::regconfig, $5, $8, $6, $7))
ON CONFLICT (org_id, post_id) DO UPDATE SET
    version_id = EXCLUDED.version_id, content_hash = EXCLUDED.content_hash, tags = EXCLUDED.tags,
    channels = EXCLUDED.channels, category = EXCLUDED.category, region = EXCLUDED.region,
    language = EXCLUDED.language, board_ids = EXCLUDED.board_ids, approved_at = EXCLUDED.approved_at,
    tsv = EXCLUDED.tsv, indexed_at = now()
WHERE (d.version_id, d.content_hash, d.tags, d.channels, d.category, d.region, d.language, d.board_ids,
       d.approved_at, d.tsv)
    IS DISTINCT FROM
      (EXCLUDED.version_id, EXCLUDED.content_hash, EXCLUDED.tags, EXCLUDED.channels, EXCLUDED.category,
       EXCLUDED.region, EXCLUDED.language, EXCLUDED.board_ids, EXCLUDED.approved_at, EXCLUDED.tsv)`

// termsSQL adds the lexemes of the given documents to the organization's vocabulary, in one
// order so that concurrent writers cannot deadlock. Numbers and very long lexemes (links, ids)
// make no useful spelling suggestions and are left out.
const termsSQL = `
INSERT INTO search_terms (org_id, term)
SELECT DISTINCT d.org_id, t.lexeme
FROM search_documents d, unnest(d.tsv) t
WHERE d.org_id = $1 AND d.post_id = ANY($2::uuid[])
  AND char_length(t.lexeme) BETWEEN 2 AND 48 AND t.lexeme !~ '^[0-9.,-]+$'
ORDER BY 1, 2
ON CONFLICT DO NOTHING`

const deleteSQL = `
WITH texts AS (DELETE FROM search_texts WHERE org_id = $1 AND post_id = ANY($2::uuid[]))
DELETE FROM search_documents WHERE org_id = $1 AND post_id = ANY($2::uuid[])`

// Upsert writes docs in transactions of BatchSize documents; see search.Index.
func (x *Index) Upsert(ctx context.Context, docs ...search.Document) error {
	docs = prepare(docs)
	for chunk := range slices.Chunk(docs, BatchSize) {
		if err := postgres.WithTx(ctx, x.pool, func(tx pgx.Tx) error { return writeBatch(ctx, tx, chunk) }); err != nil {
			return fmt.Errorf("index %d documents: %w", len(chunk), err)
		}
	}
	return nil
}

// prepare normalizes docs, keeps the last document of each post and sorts them by organization
// and post, the order in which every writer locks rows.
func prepare(docs []search.Document) []search.Document {
	type key struct{ org, post uuid.UUID }
	last := make(map[key]int, len(docs))
	for i, d := range docs {
		last[key{d.OrgID, d.PostID}] = i
	}
	out := make([]search.Document, 0, len(last))
	for i, d := range docs {
		if last[key{d.OrgID, d.PostID}] == i {
			out = append(out, d.Normalize())
		}
	}
	slices.SortFunc(out, func(a, b search.Document) int {
		return cmp.Or(bytes.Compare(a.OrgID[:], b.OrgID[:]), bytes.Compare(a.PostID[:], b.PostID[:]))
	})
	return out
}

// writeBatch writes and deletes docs one by one in their order (prepare's), so that two batches
// lock the rows they share in the same order and never deadlock; then the vocabulary.
func writeBatch(ctx context.Context, tx pgx.Tx, docs []search.Document) error {
	written := map[uuid.UUID][]uuid.UUID{}
	var orgs []uuid.UUID
	b := &pgx.Batch{}
	for _, d := range docs {
		if len(d.BoardIDs) == 0 {
			b.Queue(deleteSQL, d.OrgID, []uuid.UUID{d.PostID})
			continue
		}
		if !slices.Contains(orgs, d.OrgID) {
			orgs = append(orgs, d.OrgID)
		}
		written[d.OrgID] = append(written[d.OrgID], d.PostID)
		b.Queue(upsertSQL, d.OrgID, d.PostID, d.VersionID, d.ContentHash, d.Title, d.Body, d.ShareText,
			nonNil(d.Tags), nonNil(d.Channels), d.Category, d.Region, d.Language, d.BoardIDs, d.ApprovedAt)
	}
	for _, org := range orgs {
		b.Queue(termsSQL, org, written[org])
	}
	return tx.SendBatch(ctx, b).Close()
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Delete takes posts of org out of the index; see search.Index.
func (x *Index) Delete(ctx context.Context, org uuid.UUID, postIDs ...uuid.UUID) error {
	if len(postIDs) == 0 {
		return nil
	}
	ids := search.SortedIDs(postIDs)
	if _, err := x.pool.Exec(ctx, deleteSQL, org, ids); err != nil {
		return fmt.Errorf("delete %d search documents: %w", len(ids), err)
	}
	return nil
}
