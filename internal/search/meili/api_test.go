package meili_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"clearpost/internal/search"
	"clearpost/internal/search/meili"

	"github.com/google/uuid"
)

// fakeMeili answers like Meilisearch's documented API (tasks, documents, search, settings) and
// records what it was sent. Tasks succeed unless their uid is in fail.
type fakeMeili struct {
	t       *testing.T
	key     string
	mu      sync.Mutex
	reqs    []request
	nextUID int64
	tasks   map[int64]string // uid -> type
	fail    map[int64]map[string]string
	search  map[string]any // the response to searches
	total   int            // documents/fetch total
	url     string
}

type request struct {
	Method, Path, Query, Auth, ContentType string
	Body                                   any
}

func newFake(t *testing.T) (*fakeMeili, *meili.Index) {
	f := &fakeMeili{t: t, key: "test-master-key", tasks: map[int64]string{}, fail: map[int64]map[string]string{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return f, meili.New(meili.Config{URL: srv.URL, APIKey: f.key, BatchSize: 2, PollInterval: time.Millisecond})
}

func (f *fakeMeili) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	raw, _ := io.ReadAll(r.Body)
	req := request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Auth: r.Header.Get("Authorization"), ContentType: r.Header.Get("Content-Type")}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &req.Body); err != nil {
			f.t.Errorf("%s %s: body is not JSON: %v", r.Method, r.URL.Path, err)
		}
	}
	f.reqs = append(f.reqs, req)
	if req.Auth != "Bearer "+f.key {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "The provided API key is invalid.", "code": "invalid_api_key", "type": "auth", "link": "https://docs.meilisearch.com/errors#invalid_api_key"})
		return
	}
	enqueue := func(typ string) {
		f.nextUID++
		f.tasks[f.nextUID] = typ
		writeJSON(w, http.StatusAccepted, map[string]any{"taskUid": f.nextUID, "indexUid": "posts", "status": "enqueued", "type": typ, "enqueuedAt": "2025-06-01T10:00:00.000000Z"})
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/indexes":
		enqueue("indexCreation")
	case r.Method == http.MethodPatch && r.URL.Path == "/indexes/posts/settings":
		enqueue("settingsUpdate")
	case r.Method == http.MethodPost && r.URL.Path == "/indexes/posts/documents":
		enqueue("documentAdditionOrUpdate")
	case r.Method == http.MethodPost && r.URL.Path == "/indexes/posts/documents/delete-batch":
		enqueue("documentDeletion")
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/tasks/"):
		var uid int64
		fmt.Sscan(strings.TrimPrefix(r.URL.Path, "/tasks/"), &uid)
		typ, ok := f.tasks[uid]
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]any{"message": "Task `" + fmt.Sprint(uid) + "` not found.", "code": "task_not_found", "type": "invalid_request", "link": "https://docs.meilisearch.com/errors#task_not_found"})
			return
		}
		task := map[string]any{"uid": uid, "batchUid": uid, "indexUid": "posts", "status": "succeeded", "type": typ, "canceledBy": nil,
			"details": map[string]any{}, "error": nil, "duration": "PT0.01S",
			"enqueuedAt": "2025-06-01T10:00:00.000000Z", "startedAt": "2025-06-01T10:00:00.001000Z", "finishedAt": "2025-06-01T10:00:00.011000Z"}
		if e, bad := f.fail[uid]; bad {
			task["status"], task["error"] = "failed", e
		}
		writeJSON(w, http.StatusOK, task)
	case r.Method == http.MethodPost && r.URL.Path == "/indexes/posts/search":
		writeJSON(w, http.StatusOK, f.search)
	case r.Method == http.MethodPost && r.URL.Path == "/indexes/posts/documents/fetch":
		writeJSON(w, http.StatusOK, map[string]any{"results": []any{}, "offset": 0, "limit": 1, "total": f.total})
	default:
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "not found", "code": "not_found", "type": "invalid_request", "link": ""})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// sent returns the requests recorded so far and forgets them.
func (f *fakeMeili) sent() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.reqs
	f.reqs = nil
	return r
}

func (f *fakeMeili) failTask(uid int64, code, message string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[uid] = map[string]string{"message": message, "code": code, "type": "invalid_request", "link": "https://docs.meilisearch.com/errors#" + code}
}

// roundTrip re-encodes v as JSON and decodes it as the server would see it.
func roundTrip(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func wantRequest(t *testing.T, r request, method, path string) {
	t.Helper()
	if r.Method != method || r.Path != path {
		t.Fatalf("request %s %s, want %s %s", r.Method, r.Path, method, path)
	}
	if r.Auth != "Bearer test-master-key" {
		t.Errorf("%s %s: Authorization %q", method, path, r.Auth)
	}
	if r.Body != nil && r.ContentType != "application/json" {
		t.Errorf("%s %s: Content-Type %q, want application/json", method, path, r.ContentType)
	}
}

func TestSetupSendsDocumentedSettings(t *testing.T) {
	t.Parallel()
	f, idx := newFake(t)
	f.failTask(1, "index_already_exists", "Index `posts` already exists.") // a second start
	if err := idx.Setup(context.Background()); err != nil {
		t.Fatalf("setup with an existing index: %v", err)
	}
	reqs := f.sent()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want create, its task, settings, its task: %+v", len(reqs), reqs)
	}
	wantRequest(t, reqs[0], http.MethodPost, "/indexes")
	if want := roundTrip(t, map[string]any{"uid": "posts", "primaryKey": "id"}); !reflect.DeepEqual(reqs[0].Body, want) {
		t.Errorf("create index body %v, want %v", reqs[0].Body, want)
	}
	wantRequest(t, reqs[1], http.MethodGet, "/tasks/1")
	wantRequest(t, reqs[2], http.MethodPatch, "/indexes/posts/settings")
	wantRequest(t, reqs[3], http.MethodGet, "/tasks/2")

	settings, _ := reqs[2].Body.(map[string]any)
	want := roundTrip(t, map[string]any{
		"searchableAttributes": []string{"title", "tags", "body", "share_text"},
		"filterableAttributes": []string{"org_id", "board_ids", "tags", "channels", "language"},
		"sortableAttributes":   []string{"approved_at"},
		"typoTolerance": map[string]any{"enabled": true, "minWordSizeForTypos": map[string]int{"oneTypo": 5, "twoTypos": 9},
			"disableOnWords": []string{}, "disableOnAttributes": []string{}, "disableOnNumbers": false},
		"pagination": map[string]int{"maxTotalHits": search.MaxWindow},
		"faceting":   map[string]any{"maxValuesPerFacet": search.MaxFacetValues, "sortFacetValuesBy": map[string]string{"*": "count"}},
	})
	if !reflect.DeepEqual(any(settings), want) {
		t.Errorf("settings\n got %v\nwant %v", settings, want)
	}

	f.failTask(4, "invalid_settings_filterable_attributes", "bad")
	if err := idx.Setup(context.Background()); err == nil {
		t.Error("setup succeeded although the settings task failed")
	}
}

func TestUpsertBatchesAndAwaitsTasks(t *testing.T) {
	t.Parallel()
	f, idx := newFake(t)
	org, board := uuid.New(), uuid.New()
	approved := time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)
	var docs []search.Document
	for i := range 5 {
		docs = append(docs, search.Document{
			OrgID: org, PostID: uuid.New(), VersionID: uuid.New(), ContentHash: fmt.Sprint("hash", i),
			Title: fmt.Sprint("Post ", i), Body: "Body", ShareText: "Share", Tags: []string{"launch", " launch ", ""},
			Channels: []string{"LinkedIn"}, Language: "en", BoardIDs: []uuid.UUID{board, board}, ApprovedAt: approved,
		})
	}
	offBoards := search.Document{OrgID: org, PostID: uuid.New(), Title: "gone"}
	if err := idx.Upsert(context.Background(), append(docs, offBoards)...); err != nil {
		t.Fatal(err)
	}
	reqs := f.sent()
	// three batches of at most 2 documents, one deletion, then one task poll each
	if len(reqs) != 8 {
		t.Fatalf("%d requests, want 4 writes and 4 task polls: %+v", len(reqs), reqs)
	}
	for i, r := range reqs[:3] {
		wantRequest(t, r, http.MethodPost, "/indexes/posts/documents")
		if r.Query != "primaryKey=id" {
			t.Errorf("query %q, want primaryKey=id", r.Query)
		}
		batch, _ := r.Body.([]any)
		if len(batch) != min(2, 5-2*i) {
			t.Errorf("batch %d has %d documents", i, len(batch))
		}
	}
	first := reqs[0].Body.([]any)[0]
	want := roundTrip(t, map[string]any{
		"id": docs[0].PostID, "org_id": org, "version_id": docs[0].VersionID, "content_hash": "hash0",
		"title": "Post 0", "body": "Body", "share_text": "Share", "tags": []string{"launch"}, "channels": []string{"linkedin"},
		"category": "", "region": "", "language": "english", "board_ids": []uuid.UUID{board}, "approved_at": approved.Unix(),
	})
	if !reflect.DeepEqual(first, want) {
		t.Errorf("document\n got %v\nwant %v", first, want)
	}
	wantRequest(t, reqs[3], http.MethodPost, "/indexes/posts/documents/delete-batch")
	if want := roundTrip(t, []string{offBoards.PostID.String()}); !reflect.DeepEqual(reqs[3].Body, want) {
		t.Errorf("delete body %v, want %v", reqs[3].Body, want)
	}
	for i, r := range reqs[4:] {
		wantRequest(t, r, http.MethodGet, fmt.Sprintf("/tasks/%d", i+1))
	}
}

func TestFailedTaskIsAnError(t *testing.T) {
	t.Parallel()
	f, idx := newFake(t)
	f.failTask(1, "invalid_document_id", "Document identifier `x y` is invalid.")
	err := idx.Upsert(context.Background(), search.Document{OrgID: uuid.New(), PostID: uuid.New(), BoardIDs: []uuid.UUID{uuid.New()}})
	var te *meili.TaskError
	if !errors.As(err, &te) || te.Code != "invalid_document_id" || te.Status != "failed" {
		t.Fatalf("err %v, want the failed task's error", err)
	}
	f.failTask(2, "index_not_found", "Index `posts` not found.")
	if err := idx.Delete(context.Background(), uuid.New(), uuid.New()); !errors.As(err, &te) || te.Code != "index_not_found" {
		t.Fatalf("delete: err %v, want the failed task's error", err)
	}
	f.sent()

	// an error response, rather than a failed task, is an error too
	wrongKey := meili.New(meili.Config{URL: f.url, APIKey: "wrong"})
	if err := wrongKey.Upsert(context.Background(), search.Document{OrgID: uuid.New(), PostID: uuid.New(), BoardIDs: []uuid.UUID{uuid.New()}}); err == nil {
		t.Error("a refused request was taken for success")
	}
}

func TestDeleteSendsIDs(t *testing.T) {
	t.Parallel()
	f, idx := newFake(t)
	a, b := uuid.New(), uuid.New()
	if err := idx.Delete(context.Background(), uuid.New(), b, a, b); err != nil {
		t.Fatal(err)
	}
	reqs := f.sent()
	if len(reqs) != 2 {
		t.Fatalf("%d requests: %+v", len(reqs), reqs)
	}
	wantRequest(t, reqs[0], http.MethodPost, "/indexes/posts/documents/delete-batch")
	ids := search.SortedIDs([]uuid.UUID{a, b})
	if want := roundTrip(t, ids); !reflect.DeepEqual(reqs[0].Body, want) {
		t.Errorf("body %v, want %v", reqs[0].Body, want)
	}
	wantRequest(t, reqs[1], http.MethodGet, "/tasks/1")
	if err := idx.Delete(context.Background(), uuid.New()); err != nil || len(f.sent()) != 0 {
		t.Errorf("deleting nothing: %v, or it sent requests", err)
	}
}

func TestSearchRequestAndResponse(t *testing.T) {
	t.Parallel()
	f, idx := newFake(t)
	org, boardA, boardB, hidden := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	post := uuid.New()
	f.search = map[string]any{
		"hits": []any{map[string]any{
			"id": post.String(), "board_ids": []string{boardA.String(), hidden.String()}, "_rankingScore": 0.87,
			"_formatted": map[string]any{
				"id":    post.String(),
				"title": search.MarkStart + "Launch" + search.MarkEnd + ` <b>night</b>`,
				"body":  `…the ` + search.MarkStart + "launch" + search.MarkEnd + ` party <script>alert(1)</script>…`,
			},
		}},
		"query": "launch", "processingTimeMs": 2, "limit": 1, "offset": 0, "estimatedTotalHits": 3,
		"facetDistribution": map[string]any{
			"board_ids": map[string]int{boardA.String(): 2, boardB.String(): 1, hidden.String(): 1},
			"tags":      map[string]int{"events": 2, "launch": 1},
		},
		"facetStats": map[string]any{},
	}
	res, err := idx.Search(context.Background(), search.Query{
		OrgID: org, Text: "launch", BoardIDs: []uuid.UUID{boardB, boardA}, Tags: []string{`x" OR org_id != "y`}, Channel: "LinkedIn", Limit: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	reqs := f.sent()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	wantRequest(t, reqs[0], http.MethodPost, "/indexes/posts/search")
	body, _ := reqs[0].Body.(map[string]any)
	scope := search.SortedIDs([]uuid.UUID{boardA, boardB})
	wantFilter := fmt.Sprintf(`org_id = "%s" AND board_ids IN ["%s", "%s"] AND tags = "x\" OR org_id != \"y" AND channels = "linkedin"`, org, scope[0], scope[1])
	for k, want := range map[string]any{
		"q":                     "launch",
		"filter":                wantFilter,
		"facets":                []any{"board_ids", "tags"},
		"attributesToHighlight": []any{"title", "body"},
		"attributesToCrop":      []any{"body"},
		"highlightPreTag":       search.MarkStart,
		"highlightPostTag":      search.MarkEnd,
		"limit":                 float64(1),
		"showRankingScore":      true,
		"matchingStrategy":      "all",
	} {
		if !reflect.DeepEqual(body[k], want) {
			t.Errorf("search %s = %#v, want %#v", k, body[k], want)
		}
	}
	if _, ok := body["sort"]; ok {
		t.Errorf("a text search is ranked by relevance, not sorted: %v", body["sort"])
	}

	if res.Total != 3 || len(res.Hits) != 1 {
		t.Fatalf("total %d hits %d", res.Total, len(res.Hits))
	}
	h := res.Hits[0]
	if h.PostID != post || h.Score != 0.87 {
		t.Errorf("hit %+v", h)
	}
	if h.Title != "<mark>Launch</mark> &lt;b&gt;night&lt;/b&gt;" {
		t.Errorf("title %q", h.Title)
	}
	if h.Snippet != "…the <mark>launch</mark> party &lt;script&gt;alert(1)&lt;/script&gt;…" {
		t.Errorf("snippet %q", h.Snippet)
	}
	if len(h.BoardIDs) != 1 || h.BoardIDs[0] != boardA {
		t.Errorf("hit boards %v: only the scope's boards may show", h.BoardIDs)
	}
	if len(res.BoardFacets) != 2 || res.BoardFacets[boardA] != 2 || res.BoardFacets[boardB] != 1 {
		t.Errorf("board facets %v: only the scope's boards may show", res.BoardFacets)
	}
	if res.TagFacets["events"] != 2 || res.TagFacets["launch"] != 1 {
		t.Errorf("tag facets %v", res.TagFacets)
	}
	if res.Next == "" {
		t.Error("no cursor although 3 hits match and the page held 1")
	}

	// without text: newest first
	f.search["estimatedTotalHits"] = 1
	if _, err := idx.Search(context.Background(), search.Query{OrgID: org, BoardIDs: []uuid.UUID{boardA}}); err != nil {
		t.Fatal(err)
	}
	body, _ = f.sent()[0].Body.(map[string]any)
	if !reflect.DeepEqual(body["sort"], []any{"approved_at:desc"}) || body["q"] != "" {
		t.Errorf("listing without text sends q %v sort %v", body["q"], body["sort"])
	}

	// an empty scope asks nothing
	if res, err := idx.Search(context.Background(), search.Query{OrgID: org, Text: "launch"}); err != nil || len(res.Hits) != 0 || len(f.sent()) != 0 {
		t.Errorf("empty scope: %+v %v, or it sent a request", res, err)
	}
}

func TestCountFetchesWithFilter(t *testing.T) {
	t.Parallel()
	f, idx := newFake(t)
	f.total = 42
	org := uuid.New()
	n, err := idx.Count(context.Background(), org)
	if err != nil || n != 42 {
		t.Fatalf("count %d %v", n, err)
	}
	r := f.sent()[0]
	wantRequest(t, r, http.MethodPost, "/indexes/posts/documents/fetch")
	if want := roundTrip(t, map[string]any{"filter": fmt.Sprintf(`org_id = "%s"`, org), "limit": 1, "fields": []string{"id"}}); !reflect.DeepEqual(r.Body, want) {
		t.Errorf("fetch body %v, want %v", r.Body, want)
	}
}

func TestTenantToken(t *testing.T) {
	t.Parallel()
	_, idx := newFake(t)
	org, b1, b2 := uuid.New(), uuid.New(), uuid.New()
	keyUID, key := uuid.NewString(), "search-key-secret"
	token, err := idx.TenantToken(keyUID, key, org, []uuid.UUID{b2, b1}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if got, _ := base64.RawURLEncoding.DecodeString(parts[2]); !hmac.Equal(got, mac.Sum(nil)) {
		t.Error("token is not signed with the API key (HS256)")
	}
	var header, claims map[string]any
	for i, v := range []*map[string]any{&header, &claims} {
		raw, _ := base64.RawURLEncoding.DecodeString(parts[i])
		if err := json.Unmarshal(raw, v); err != nil {
			t.Fatal(err)
		}
	}
	if header["alg"] != "HS256" {
		t.Errorf("alg %v", header["alg"])
	}
	if claims["apiKeyUid"] != keyUID {
		t.Errorf("apiKeyUid %v", claims["apiKeyUid"])
	}
	scope := search.SortedIDs([]uuid.UUID{b1, b2})
	wantRules := roundTrip(t, map[string]any{"posts": map[string]string{
		"filter": fmt.Sprintf(`org_id = "%s" AND board_ids IN ["%s", "%s"]`, org, scope[0], scope[1]),
	}})
	if !reflect.DeepEqual(claims["searchRules"], wantRules) {
		t.Errorf("searchRules %v, want %v", claims["searchRules"], wantRules)
	}
	exp, _ := claims["exp"].(float64)
	if d := time.Until(time.Unix(int64(exp), 0)); d < 59*time.Minute || d > time.Hour+time.Minute {
		t.Errorf("expires in %v, want an hour", d)
	}

	// no boards: a filter nothing matches
	token, err = idx.TenantToken(keyUID, key, org, nil, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[1])
	if !strings.Contains(string(raw), `board_ids = \"`+uuid.Nil.String()) {
		t.Errorf("an empty scope's token must find nothing: %s", raw)
	}
	if _, err := idx.TenantToken("not-a-uuid", key, org, scope, time.Minute); err == nil {
		t.Error("a key uid that is not a UUID was accepted")
	}
}
