package postgres_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"clearpost/internal/postgres/pgtest"
	"clearpost/internal/search"
	"clearpost/internal/search/postgres"

	"github.com/google/uuid"
)

// What the contract leaves to the backend: stemming by language, writes that change nothing,
// and the vocabulary typo tolerance draws on.
func TestPostgresSpecifics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	idx := postgres.New(pool)
	org, board := uuid.New(), uuid.New()
	doc := func(lang, title, body string) search.Document {
		return search.Document{OrgID: org, PostID: uuid.New(), VersionID: uuid.New(), ContentHash: "h",
			Title: title, Body: body, Language: lang, BoardIDs: []uuid.UUID{board}, ApprovedAt: time.Now()}
	}
	fr := doc("fr", "Nos réunions d'équipe", "Les réunions commencent lundi.")
	en := doc("", "Team meetings", "Meetings start on Monday, as they have since 2024.")
	odd := doc("klingon", "Qapla", "Batlh Daqawlu'taH")
	if err := idx.Upsert(ctx, fr, en, odd); err != nil {
		t.Fatal(err)
	}
	var langs []string
	rows, err := pool.Query(ctx, "SELECT language::text FROM search_documents ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var l string
		_ = rows.Scan(&l)
		langs = append(langs, l)
	}
	if strings.Join(langs, ",") != "english,french,simple" {
		t.Errorf("languages %v, want english, french and simple for an unknown one", langs)
	}
	find := func(text, lang string) int {
		t.Helper()
		res, err := idx.Search(ctx, search.Query{OrgID: org, Text: text, Language: lang, BoardIDs: []uuid.UUID{board}})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	if n := find("réunion", "fr"); n != 1 {
		t.Errorf("French stemming: %d hits for réunion", n)
	}
	if n := find("meeting", ""); n != 1 {
		t.Errorf("English stemming: %d hits for meeting", n)
	}
	if n := find("the and of", ""); n != 0 {
		t.Errorf("stop words alone found %d", n)
	}
	if _, err := idx.Search(ctx, search.Query{OrgID: org, Text: strings.Repeat("x", search.MaxTextLength+1), BoardIDs: []uuid.UUID{board}}); err == nil {
		t.Error("an overlong text was accepted")
	}

	// re-indexing an unchanged post writes nothing
	var before, after time.Time
	if err := pool.QueryRow(ctx, "SELECT indexed_at FROM search_documents WHERE post_id = $1", en.PostID).Scan(&before); err != nil {
		t.Fatal(err)
	}
	if err := idx.Upsert(ctx, en); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, "SELECT indexed_at FROM search_documents WHERE post_id = $1", en.PostID).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if !after.Equal(before) {
		t.Errorf("an unchanged document was rewritten: indexed_at %v -> %v", before, after)
	}

	// the vocabulary holds the organization's lexemes, not numbers
	var terms, numbers int
	if err := pool.QueryRow(ctx, "SELECT count(*) FILTER (WHERE term IN ('meet', 'réunion')), count(*) FILTER (WHERE term ~ '^[0-9]+$') FROM search_terms WHERE org_id = $1", org).Scan(&terms, &numbers); err != nil {
		t.Fatal(err)
	}
	if terms != 2 || numbers != 0 {
		t.Errorf("vocabulary has %d of the expected terms and %d numbers", terms, numbers)
	}
}

// Two batches that write and delete the same posts in opposite roles lock them in the same order:
// neither is chosen as a deadlock victim.
func TestConcurrentMixedBatchesDoNotDeadlock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	idx := postgres.New(pgtest.New(t))
	org, board := uuid.New(), uuid.New()
	doc := func(id uuid.UUID, boards ...uuid.UUID) search.Document {
		return search.Document{OrgID: org, PostID: id, VersionID: uuid.New(), ContentHash: uuid.NewString(),
			Title: "Launch", Body: "A launch.", BoardIDs: boards, ApprovedAt: time.Now()}
	}
	for round := range 20 {
		x, y := uuid.New(), uuid.New()
		if err := idx.Upsert(ctx, doc(x, board), doc(y, board)); err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 2)
		go func() { errs <- idx.Upsert(ctx, doc(x, board), doc(y)) }() // writes x, deletes y
		go func() { errs <- idx.Upsert(ctx, doc(x), doc(y, board)) }() // deletes x, writes y
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
}

// More documents than the window, equal in rank and in age, so only the post id orders them:
// the same search gives the same pages every time, and paging through them gives every hit of
// the window once.
func TestEqualHitsPageInOneOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	idx := postgres.New(pgtest.New(t))
	org, board := uuid.New(), uuid.New()
	approved := time.Now().Truncate(time.Second)
	docs := make([]search.Document, search.MaxWindow+postgres.BatchSize/5)
	for i := range docs {
		docs[i] = search.Document{OrgID: org, PostID: uuid.New(), VersionID: uuid.New(), ContentHash: "h",
			Title: "Launch day", Body: "The launch is today.", BoardIDs: []uuid.UUID{board}, ApprovedAt: approved}
	}
	for i := 0; i < len(docs); i += postgres.BatchSize {
		if err := idx.Upsert(ctx, docs[i:min(i+postgres.BatchSize, len(docs))]...); err != nil {
			t.Fatal(err)
		}
	}
	pages := func() []uuid.UUID {
		t.Helper()
		var ids []uuid.UUID
		q := search.Query{OrgID: org, Text: "launch", BoardIDs: []uuid.UUID{board}, Limit: search.MaxLimit}
		for {
			res, err := idx.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != search.MaxWindow {
				t.Fatalf("total %d, want the window, %d", res.Total, search.MaxWindow)
			}
			for _, h := range res.Hits {
				ids = append(ids, h.PostID)
			}
			if q.After = res.Next; q.After == "" {
				return ids
			}
		}
	}
	first := pages()
	seen := map[uuid.UUID]bool{}
	for i, id := range first {
		if seen[id] {
			t.Fatalf("hit %d, %s, was on an earlier page", i, id)
		}
		seen[id] = true
		if i > 0 && bytes.Compare(first[i-1][:], id[:]) > 0 {
			t.Errorf("hits %d and %d are not in post id order", i-1, i)
		}
	}
	if len(first) != search.MaxWindow {
		t.Errorf("paged through %d hits, want %d", len(first), search.MaxWindow)
	}
	if again := pages(); !slices.Equal(again, first) {
		t.Error("the same search paged through the hits in another order, or other hits")
	}
}
