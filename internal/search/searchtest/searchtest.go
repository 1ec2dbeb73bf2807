// Package searchtest is the contract every search backend passes: Run it from the backend's tests.
package searchtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/search"

	"github.com/google/uuid"
)

// Run checks the Index contract. newIndex returns an empty index for one subtest; subtests run in
// parallel and each uses organizations of its own.
func Run(t *testing.T, newIndex func(t *testing.T) search.Index) {
	tests := []struct {
		name string
		fn   func(t *testing.T, b *bundle)
	}{
		{"FindsByText", testFindsByText},
		{"RanksTitleAboveBody", testRanksTitleAboveBody},
		{"BoardScope", testBoardScope},
		{"BroadScope", testBroadScope},
		{"OrganizationIsolation", testOrganizationIsolation},
		{"DeleteRemoves", testDeleteRemoves},
		{"UpsertReplaces", testUpsertReplaces},
		{"UpsertWithoutBoardsRemoves", testUpsertWithoutBoardsRemoves},
		{"Idempotent", testIdempotent},
		{"TypoTolerance", testTypoTolerance},
		{"HighlightsEscapeHTML", testHighlightsEscapeHTML},
		{"Facets", testFacets},
		{"TagAndChannelFilters", testTagAndChannelFilters},
		{"EmptyTextListsNewestFirst", testEmptyTextListsNewestFirst},
		{"Paging", testPaging},
		{"Batches", testBatches},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, &bundle{idx: newIndex(t), org: uuid.New()})
		})
	}
}

type bundle struct {
	idx search.Index
	org uuid.UUID
}

func (b *bundle) doc(title, body string, boards ...uuid.UUID) search.Document {
	return search.Document{
		OrgID: b.org, PostID: uuid.New(), VersionID: uuid.New(), ContentHash: fmt.Sprintf("%x", uuid.New()),
		Title: title, Body: body, BoardIDs: boards, ApprovedAt: time.Now().UTC().Truncate(time.Second),
	}
}

func (b *bundle) upsert(t *testing.T, docs ...search.Document) {
	t.Helper()
	if err := b.idx.Upsert(context.Background(), docs...); err != nil {
		t.Fatalf("upsert: %v", err)
	}
}

func (b *bundle) search(t *testing.T, q search.Query) search.Result {
	t.Helper()
	if q.OrgID == uuid.Nil {
		q.OrgID = b.org
	}
	res, err := b.idx.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	return res
}

func (b *bundle) count(t *testing.T, org uuid.UUID) int {
	t.Helper()
	n, err := b.idx.Count(context.Background(), org)
	if err != nil {
		t.Fatalf("count: %v", err)
	}
	return n
}

func ids(res search.Result) []uuid.UUID {
	out := make([]uuid.UUID, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.PostID
	}
	return out
}

func wantPosts(t *testing.T, what string, res search.Result, want ...uuid.UUID) {
	t.Helper()
	got := ids(res)
	sortIDs := func(s []uuid.UUID) []uuid.UUID {
		s = slices.Clone(s)
		slices.SortFunc(s, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
		return s
	}
	if !slices.Equal(sortIDs(got), sortIDs(want)) {
		t.Fatalf("%s: got posts %v, want %v", what, got, want)
	}
	if res.Total != len(want) {
		t.Fatalf("%s: total %d, want %d", what, res.Total, len(want))
	}
}

func testFindsByText(t *testing.T, b *bundle) {
	board := uuid.New()
	d := b.doc("Quarterly product launches", "Our new analytics dashboard ships to every customer this week.", board)
	other := b.doc("Office picnic", "Bring sandwiches and sunscreen.", board)
	b.upsert(t, d, other)

	res := b.search(t, search.Query{Text: "dashboard", BoardIDs: []uuid.UUID{board}})
	wantPosts(t, "dashboard", res, d.PostID)
	h := res.Hits[0]
	if h.Score <= 0 {
		t.Errorf("score %v, want > 0", h.Score)
	}
	if !slices.Equal(h.BoardIDs, []uuid.UUID{board}) {
		t.Errorf("hit boards %v, want [%v]", h.BoardIDs, board)
	}
	if !strings.Contains(h.Title, "Quarterly product launches") {
		t.Errorf("hit title %q", h.Title)
	}
	// "launch" finds "launches" (a stem in PostgreSQL, a prefix in Meilisearch); every word must
	// match
	wantPosts(t, "launch", b.search(t, search.Query{Text: "launch", BoardIDs: []uuid.UUID{board}}), d.PostID)
	wantPosts(t, "launch sandwiches", b.search(t, search.Query{Text: "launch sandwiches", BoardIDs: []uuid.UUID{board}}))
	wantPosts(t, "unrelated", b.search(t, search.Query{Text: "kangaroo", BoardIDs: []uuid.UUID{board}}))
	if n := b.count(t, b.org); n != 2 {
		t.Errorf("count %d, want 2", n)
	}
}

func testRanksTitleAboveBody(t *testing.T, b *bundle) {
	board := uuid.New()
	inBody := b.doc("Weekly update", "A short note: the webinar recording is online.", board)
	inTitle := b.doc("Webinar recording", "Watch it with your team.", board)
	b.upsert(t, inBody, inTitle)
	res := b.search(t, search.Query{Text: "webinar", BoardIDs: []uuid.UUID{board}})
	wantPosts(t, "webinar", res, inBody.PostID, inTitle.PostID)
	if res.Hits[0].PostID != inTitle.PostID || res.Hits[0].Score < res.Hits[1].Score {
		t.Errorf("a match in the title should rank first: %+v", res.Hits)
	}
}

func testBoardScope(t *testing.T, b *bundle) {
	boardA, boardB, boardC := uuid.New(), uuid.New(), uuid.New()
	onA := b.doc("Sustainability report", "Our emissions fell by a third.", boardA)
	onAC := b.doc("Sustainability pledge", "Renewable power in every office.", boardA, boardC)
	b.upsert(t, onA, onAC)

	wantPosts(t, "scope B", b.search(t, search.Query{Text: "sustainability", BoardIDs: []uuid.UUID{boardB}}))
	empty := b.search(t, search.Query{Text: "sustainability"})
	wantPosts(t, "empty scope", empty)
	wantPosts(t, "empty scope, no text", b.search(t, search.Query{}))
	if len(empty.BoardFacets) != 0 || len(empty.TagFacets) != 0 {
		t.Errorf("empty scope has facets %v %v", empty.BoardFacets, empty.TagFacets)
	}

	res := b.search(t, search.Query{Text: "sustainability", BoardIDs: []uuid.UUID{boardA, boardB}})
	wantPosts(t, "scope A, B", res, onA.PostID, onAC.PostID)
	for _, h := range res.Hits {
		if !slices.Equal(h.BoardIDs, []uuid.UUID{boardA}) {
			t.Errorf("hit %v shows boards %v, want only the scope's board %v", h.PostID, h.BoardIDs, boardA)
		}
	}
	if _, ok := res.BoardFacets[boardC]; ok {
		t.Errorf("facets show board C, outside the scope: %v", res.BoardFacets)
	}
	wantPosts(t, "scope C", b.search(t, search.Query{Text: "sustainability", BoardIDs: []uuid.UUID{boardC}}), onAC.PostID)
}

// testBroadScope checks a scope of many boards (an editor's), which backends may filter
// differently from a few.
func testBroadScope(t *testing.T, b *bundle) {
	many := func(n int) []uuid.UUID {
		ids := make([]uuid.UUID, n)
		for i := range ids {
			ids[i] = uuid.New()
		}
		return ids
	}
	mine, others := many(80), many(80)
	d := b.doc("Annual kickoff", "Agenda for the annual kickoff.", mine[7], others[3])
	e := b.doc("Kickoff dinner", "Where the kickoff dinner is.", others[5])
	b.upsert(t, d, e)
	for _, text := range []string{"kickoff", ""} {
		res := b.search(t, search.Query{Text: text, BoardIDs: mine})
		wantPosts(t, "broad scope "+text, res, d.PostID)
		if len(res.BoardFacets) != 1 || res.BoardFacets[mine[7]] != 1 || !slices.Equal(res.Hits[0].BoardIDs, []uuid.UUID{mine[7]}) {
			t.Errorf("%q: boards outside the scope show: facets %v, hit %v", text, res.BoardFacets, res.Hits[0].BoardIDs)
		}
		wantPosts(t, "other broad scope "+text, b.search(t, search.Query{Text: text, BoardIDs: many(80)}))
	}
}

func testOrganizationIsolation(t *testing.T, b *bundle) {
	board := uuid.New() // the same board id in both: only the organization tells them apart
	other := &bundle{idx: b.idx, org: uuid.New()}
	mine := b.doc("Hiring engineers", "We are hiring platform engineers in Lisbon.", board)
	theirs := other.doc("Hiring engineers", "We are hiring platform engineers in Lisbon.", board)
	b.upsert(t, mine)
	other.upsert(t, theirs)

	wantPosts(t, "mine", b.search(t, search.Query{Text: "hiring", BoardIDs: []uuid.UUID{board}}), mine.PostID)
	wantPosts(t, "theirs", other.search(t, search.Query{Text: "hiring", BoardIDs: []uuid.UUID{board}}), theirs.PostID)
	wantPosts(t, "mine, no text", b.search(t, search.Query{BoardIDs: []uuid.UUID{board}}), mine.PostID)
	if n := b.count(t, b.org); n != 1 {
		t.Errorf("count %d, want 1", n)
	}
	if n := b.count(t, uuid.New()); n != 0 {
		t.Errorf("count of an unknown organization %d, want 0", n)
	}
}

func testDeleteRemoves(t *testing.T, b *bundle) {
	board := uuid.New()
	d1 := b.doc("Customer story", "How a logistics company cut costs.", board)
	d2 := b.doc("Customer story two", "How a bakery grew online.", board)
	b.upsert(t, d1, d2)
	ctx := context.Background()
	if err := b.idx.Delete(ctx, b.org, d1.PostID); err != nil {
		t.Fatal(err)
	}
	wantPosts(t, "after delete", b.search(t, search.Query{Text: "customer", BoardIDs: []uuid.UUID{board}}), d2.PostID)
	// deleting again, or deleting what was never there, is a no-op
	if err := b.idx.Delete(ctx, b.org, d1.PostID, uuid.New()); err != nil {
		t.Fatalf("delete again: %v", err)
	}
	if err := b.idx.Delete(ctx, b.org); err != nil {
		t.Fatalf("delete nothing: %v", err)
	}
	if n := b.count(t, b.org); n != 1 {
		t.Errorf("count %d, want 1", n)
	}
}

func testUpsertReplaces(t *testing.T, b *bundle) {
	board, board2 := uuid.New(), uuid.New()
	v1 := b.doc("Airship announcement", "The zeppelin flies on Monday.", board)
	b.upsert(t, v1)
	v2 := v1
	v2.VersionID, v2.ContentHash = uuid.New(), "v2"
	v2.Body = "The dirigible flies on Tuesday."
	v2.BoardIDs = []uuid.UUID{board2}
	b.upsert(t, v2)

	scope := []uuid.UUID{board, board2}
	wantPosts(t, "old text", b.search(t, search.Query{Text: "zeppelin", BoardIDs: scope}))
	res := b.search(t, search.Query{Text: "dirigible", BoardIDs: scope})
	wantPosts(t, "new text", res, v1.PostID)
	if !slices.Equal(res.Hits[0].BoardIDs, []uuid.UUID{board2}) {
		t.Errorf("boards %v, want the new version's [%v]", res.Hits[0].BoardIDs, board2)
	}
	wantPosts(t, "old board", b.search(t, search.Query{Text: "dirigible", BoardIDs: []uuid.UUID{board}}))
	if n := b.count(t, b.org); n != 1 {
		t.Errorf("count %d, want 1", n)
	}
}

func testUpsertWithoutBoardsRemoves(t *testing.T, b *bundle) {
	board := uuid.New()
	d := b.doc("Partner summit", "Meet our partners in Berlin.", board)
	never := b.doc("Partner dinner", "Never on a board.")
	b.upsert(t, d, never)
	if n := b.count(t, b.org); n != 1 {
		t.Fatalf("count %d, want 1: a post on no board is not indexed", n)
	}
	d.BoardIDs = nil
	b.upsert(t, d)
	wantPosts(t, "off every board", b.search(t, search.Query{Text: "partner", BoardIDs: []uuid.UUID{board}}))
	if n := b.count(t, b.org); n != 0 {
		t.Errorf("count %d, want 0", n)
	}
}

func testIdempotent(t *testing.T, b *bundle) {
	board := uuid.New()
	d := b.doc("Security certification", "We passed our ISO 27001 audit.", board)
	b.upsert(t, d)
	b.upsert(t, d)
	b.upsert(t, d, d) // the same post twice in one call: the last one wins
	wantPosts(t, "after repeats", b.search(t, search.Query{Text: "certification", BoardIDs: []uuid.UUID{board}}), d.PostID)
	if n := b.count(t, b.org); n != 1 {
		t.Errorf("count %d, want 1", n)
	}
	if err := b.idx.Upsert(context.Background()); err != nil {
		t.Errorf("upsert nothing: %v", err)
	}
}

func testTypoTolerance(t *testing.T, b *bundle) {
	board := uuid.New()
	d := b.doc("Content approval on LinkedIn", "Every post passes legal approval before it reaches LinkedIn.", board)
	other := b.doc("Kitchen rota", "Whoever brews the last coffee cleans the machine.", board)
	b.upsert(t, d, other)
	for _, text := range []string{"aproval", "linkdin", "approvl linkedn"} {
		wantPosts(t, text, b.search(t, search.Query{Text: text, BoardIDs: []uuid.UUID{board}}), d.PostID)
	}
}

func testHighlightsEscapeHTML(t *testing.T, b *bundle) {
	board := uuid.New()
	d := b.doc(`Launch <b>night</b> & "party"`,
		`Join the launch party <script>alert("x")</script> at the <mark>rooftop</mark> bar.`, board)
	b.upsert(t, d)
	res := b.search(t, search.Query{Text: "launch", BoardIDs: []uuid.UUID{board}})
	wantPosts(t, "launch", res, d.PostID)
	h := res.Hits[0]
	for _, s := range []string{h.Title, h.Snippet} {
		if !strings.Contains(s, "<mark>Launch</mark>") && !strings.Contains(s, "<mark>launch</mark>") {
			t.Errorf("no highlighted match in %q", s)
		}
		if strings.Count(s, "<mark>") != strings.Count(s, "</mark>") {
			t.Errorf("unbalanced marks in %q", s)
		}
	}
	if strings.Contains(h.Title, "<b>") || !strings.Contains(h.Title, "&lt;b&gt;night&lt;/b&gt;") || !strings.Contains(h.Title, "&amp;") {
		t.Errorf("title not escaped: %q", h.Title)
	}
	if strings.Contains(h.Snippet, "<script") || !strings.Contains(h.Snippet, "&lt;script&gt;") {
		t.Errorf("snippet not escaped: %q", h.Snippet)
	}
	if strings.Contains(h.Snippet, "<mark>rooftop") || !strings.Contains(h.Snippet, "&lt;mark&gt;rooftop") {
		t.Errorf("the post's own <mark> must stay text: %q", h.Snippet)
	}
	// no text: no marks, still escaped
	h = b.search(t, search.Query{BoardIDs: []uuid.UUID{board}}).Hits[0]
	if strings.Contains(h.Title, "<mark>") || !strings.Contains(h.Title, "&lt;b&gt;") || strings.Contains(h.Snippet, "<script") {
		t.Errorf("listing without text: title %q snippet %q", h.Title, h.Snippet)
	}
}

func testFacets(t *testing.T, b *bundle) {
	boardA, boardB, boardC := uuid.New(), uuid.New(), uuid.New()
	tagged := func(title string, tags []string, boards ...uuid.UUID) search.Document {
		d := b.doc(title, "Campaign material for the spring release.", boards...)
		d.Tags = tags
		return d
	}
	d1 := tagged("Spring campaign one", []string{"spring", "product"}, boardA)
	d2 := tagged("Spring campaign two", []string{"spring"}, boardA, boardB)
	d3 := tagged("Spring campaign three", []string{"events"}, boardB, boardC)
	d4 := tagged("Spring campaign four", []string{"spring", "hidden"}, boardC)
	b.upsert(t, d1, d2, d3, d4)

	for _, text := range []string{"campaign", ""} {
		res := b.search(t, search.Query{Text: text, BoardIDs: []uuid.UUID{boardA, boardB}, Limit: 1})
		if res.Total != 3 || len(res.Hits) != 1 {
			t.Fatalf("%q: total %d hits %d, want 3 and 1 (facets count the whole match set, not the page)", text, res.Total, len(res.Hits))
		}
		wantBoards := map[uuid.UUID]int{boardA: 2, boardB: 2}
		if !mapsEqual(res.BoardFacets, wantBoards) {
			t.Errorf("%q: board facets %v, want %v", text, res.BoardFacets, wantBoards)
		}
		wantTags := map[string]int{"spring": 2, "product": 1, "events": 1}
		if !mapsEqual(res.TagFacets, wantTags) {
			t.Errorf("%q: tag facets %v, want %v", text, res.TagFacets, wantTags)
		}
	}
}

func mapsEqual[K comparable](a, b map[K]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func testTagAndChannelFilters(t *testing.T, b *bundle) {
	board := uuid.New()
	mk := func(title string, tags, channels []string) search.Document {
		d := b.doc(title, "Release notes for the mobile app.", board)
		d.Tags, d.Channels = tags, channels
		return d
	}
	d1 := mk("Mobile release one", []string{"mobile", "ios"}, []string{"linkedin", "x"})
	d2 := mk("Mobile release two", []string{"mobile"}, []string{"facebook"})
	d3 := mk("Mobile release three", []string{"android"}, []string{"LinkedIn"})
	b.upsert(t, d1, d2, d3)
	scope := []uuid.UUID{board}

	wantPosts(t, "tag mobile", b.search(t, search.Query{Text: "release", BoardIDs: scope, Tags: []string{"mobile"}}), d1.PostID, d2.PostID)
	wantPosts(t, "tags mobile+ios", b.search(t, search.Query{Text: "release", BoardIDs: scope, Tags: []string{"mobile", "ios"}}), d1.PostID)
	wantPosts(t, "channel linkedin", b.search(t, search.Query{Text: "release", BoardIDs: scope, Channel: "linkedin"}), d1.PostID, d3.PostID)
	wantPosts(t, "tag + channel", b.search(t, search.Query{BoardIDs: scope, Tags: []string{"mobile"}, Channel: "facebook"}), d2.PostID)
	wantPosts(t, "unknown tag", b.search(t, search.Query{BoardIDs: scope, Tags: []string{`x" OR org_id != "`}}))
	wantPosts(t, "hostile channel", b.search(t, search.Query{BoardIDs: scope, Channel: `linkedin" OR channels = "x`}))
}

func testEmptyTextListsNewestFirst(t *testing.T, b *bundle) {
	board := uuid.New()
	base := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	var docs []search.Document
	for i := range 3 {
		d := b.doc(fmt.Sprintf("Post %d", i), "Plain text.", board)
		d.ApprovedAt = base.Add(time.Duration(i) * time.Minute)
		docs = append(docs, d)
	}
	b.upsert(t, docs...)
	res := b.search(t, search.Query{BoardIDs: []uuid.UUID{board}})
	want := []uuid.UUID{docs[2].PostID, docs[1].PostID, docs[0].PostID}
	if got := ids(res); !slices.Equal(got, want) {
		t.Errorf("got %v, want newest first %v", got, want)
	}
	if res.Hits[0].Snippet == "" {
		t.Errorf("no snippet without text")
	}
}

func testPaging(t *testing.T, b *bundle) {
	board := uuid.New()
	var want []uuid.UUID
	var docs []search.Document
	for i := range 5 {
		d := b.doc(fmt.Sprintf("Town hall recap %d", i), "Questions and answers from the town hall.", board)
		docs = append(docs, d)
		want = append(want, d.PostID)
	}
	b.upsert(t, docs...)

	var got []uuid.UUID
	q := search.Query{Text: "town hall", BoardIDs: []uuid.UUID{board}, Limit: 2}
	for pages := 1; ; pages++ {
		res := b.search(t, q)
		if res.Total != 5 {
			t.Fatalf("page %d: total %d, want 5", pages, res.Total)
		}
		got = append(got, ids(res)...)
		if res.Next == "" {
			if pages != 3 {
				t.Errorf("%d pages, want 3", pages)
			}
			break
		}
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		q.After = res.Next
	}
	slices.SortFunc(got, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	slices.SortFunc(want, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	if !slices.Equal(got, want) {
		t.Errorf("pages gave %v, want each post once: %v", got, want)
	}

	_, err := b.idx.Search(context.Background(), search.Query{OrgID: b.org, Text: "town", BoardIDs: []uuid.UUID{board}, After: "not-a-cursor"})
	if !errors.Is(err, apperr.ErrInvalid) {
		t.Errorf("bad cursor: %v, want an Invalid error", err)
	}
}

func testBatches(t *testing.T, b *bundle) {
	board := uuid.New()
	docs := make([]search.Document, 1200)
	for i := range docs {
		docs[i] = b.doc(fmt.Sprintf("Bulk post %d", i), "Bulk loaded newsletter item.", board)
	}
	b.upsert(t, docs...)
	if n := b.count(t, b.org); n != len(docs) {
		t.Fatalf("count %d, want %d", n, len(docs))
	}
	res := b.search(t, search.Query{Text: "newsletter", BoardIDs: []uuid.UUID{board}})
	if res.Total != len(docs) && res.Total < search.MaxWindow {
		t.Errorf("total %d, want %d (or at least %d where the backend estimates)", res.Total, len(docs), search.MaxWindow)
	}
	all := make([]uuid.UUID, len(docs))
	for i, d := range docs {
		all[i] = d.PostID
	}
	if err := b.idx.Delete(context.Background(), b.org, all...); err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, b.org); n != 0 {
		t.Errorf("count after deleting all %d, want 0", n)
	}
}
