package meili

import (
	"context"
	"fmt"
	"slices"

	"clearpost/internal/search"

	"github.com/google/uuid"
	"github.com/meilisearch/meilisearch-go"
)

// Upsert replaces the documents of the given posts (POST /indexes/{uid}/documents, in batches)
// and deletes those on no board, then waits for every task; see search.Index.
func (x *Index) Upsert(ctx context.Context, docs ...search.Document) error {
	type key struct{ org, post uuid.UUID }
	last := make(map[key]int, len(docs))
	for i, d := range docs {
		last[key{d.OrgID, d.PostID}] = i
	}
	var write []document
	var remove []string
	for i, d := range docs {
		if last[key{d.OrgID, d.PostID}] != i {
			continue
		}
		d = d.Normalize()
		if len(d.BoardIDs) == 0 {
			remove = append(remove, d.PostID.String())
		} else {
			write = append(write, toDocument(d))
		}
	}
	primaryKey := "id"
	var tasks []int64
	for chunk := range slices.Chunk(write, x.batch) {
		info, err := x.index.AddDocumentsWithContext(ctx, chunk, &meilisearch.DocumentOptions{PrimaryKey: &primaryKey})
		if err != nil {
			return fmt.Errorf("index %d documents: %w", len(chunk), err)
		}
		tasks = append(tasks, info.TaskUID)
	}
	for chunk := range slices.Chunk(remove, x.batch) {
		info, err := x.index.DeleteDocumentsWithContext(ctx, chunk, nil)
		if err != nil {
			return fmt.Errorf("delete %d documents: %w", len(chunk), err)
		}
		tasks = append(tasks, info.TaskUID)
	}
	return x.waitAll(ctx, tasks)
}

// Delete removes posts (POST /indexes/{uid}/documents/delete-batch) and waits for the task. Post
// ids are unique across organizations, so the ids alone name the documents.
func (x *Index) Delete(ctx context.Context, org uuid.UUID, postIDs ...uuid.UUID) error {
	ids := idStrings(search.SortedIDs(postIDs))
	var tasks []int64
	for chunk := range slices.Chunk(ids, x.batch) {
		info, err := x.index.DeleteDocumentsWithContext(ctx, chunk, nil)
		if err != nil {
			return fmt.Errorf("delete %d documents of %s: %w", len(chunk), org, err)
		}
		tasks = append(tasks, info.TaskUID)
	}
	return x.waitAll(ctx, tasks)
}

func (x *Index) waitAll(ctx context.Context, tasks []int64) error {
	for _, t := range tasks {
		if err := x.wait(ctx, t); err != nil {
			return err
		}
	}
	return nil
}
