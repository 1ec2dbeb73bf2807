package platformtest

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"sync"
	"testing"
	"time"
)

// Request is a request a fake received.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   []byte
	// Status is what the fake answered; 0 while the request is being handled or when the client
	// went away before an answer.
	Status int
}

// Post is a post a fake platform holds: accepted from a client, or added by a test.
type Post struct {
	ID     string // LinkedIn URN, X post id, Facebook "<pageid>_<postid>"
	Author string // LinkedIn author URN, X user id, Facebook page id
	// Text is the text as sent: the LinkedIn commentary (little format), the X text, the Facebook
	// message.
	Text string
	// Rendered is the text as the platform displays it. For LinkedIn: the commentary unescaped and
	// cut at the first unescaped reserved character, the way LinkedIn silently truncates; for X
	// and Facebook equal to Text.
	Rendered  string
	Link      string // LinkedIn article source, Facebook link (X carries links inside Text)
	Title     string // LinkedIn article title
	CreatedAt time.Time
}

// result is a fake's answer.
type result struct {
	status      int
	contentType string
	header      http.Header
	body        []byte
	accepted    bool // a post was created (LoseNext/HoldAfterAccept apply)
}

func jsonResult(status int, v any) result {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return result{status: status, contentType: "application/json", body: b}
}

// recorder runs the httptest server, logs requests and applies the faults.
type recorder struct {
	faults *Faults
	srv    *httptest.Server

	mu       sync.Mutex
	requests []Request
}

const maxRequestBody = 1 << 20

func newRecorder(tb testing.TB, faults *Faults, handle func(r *http.Request, body []byte) result) *recorder {
	rec := &recorder{faults: faults}
	rec.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, maxRequestBody))
		idx := rec.log(r, body)
		res, done := faults.before(r)
		if !done {
			res = handle(r, body)
			if res.accepted {
				if f, ok := faults.after(r); ok {
					res = f
				}
			}
		}
		rec.mu.Lock()
		rec.requests[idx].Status = res.status
		rec.mu.Unlock()
		if res.status == 0 {
			return // the client went away while held
		}
		for k, v := range res.header {
			w.Header()[k] = v
		}
		if res.contentType != "" {
			w.Header().Set("Content-Type", res.contentType)
		}
		w.WriteHeader(res.status)
		_, _ = w.Write(res.body)
	}))
	tb.Cleanup(func() {
		faults.Release()
		rec.srv.Close()
	})
	return rec
}

func (rec *recorder) log(r *http.Request, body []byte) int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.requests = append(rec.requests, Request{
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.Query(),
		Header: r.Header.Clone(),
		Body:   body,
	})
	return len(rec.requests) - 1
}

// Requests returns every request received so far, in arrival order.
func (rec *recorder) Requests() []Request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]Request(nil), rec.requests...)
}

// Client returns an *http.Client for the fake's server.
func (rec *recorder) Client() *http.Client { return rec.srv.Client() }

// postStore holds a fake platform's posts.
type postStore struct {
	mu    sync.Mutex
	posts []Post
	seq   int64
}

// Posts returns the posts the fake holds, oldest first.
func (s *postStore) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]Post(nil), s.posts...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out
}

// newest returns the posts matching keep, newest first.
func (s *postStore) newest(keep func(Post) bool) []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Post
	for i := len(s.posts) - 1; i >= 0; i-- {
		if keep(s.posts[i]) {
			out = append(out, s.posts[i])
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out
}

// insert adds p, giving it an id from newID and a creation time when it has none, unless dup
// finds an existing post it duplicates (returned instead, with ok=false).
func (s *postStore) insert(p Post, newID func(seq int64) string, dup func(existing Post) bool) (Post, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if dup != nil {
		for _, e := range s.posts {
			if dup(e) {
				return e, false
			}
		}
	}
	s.seq++
	if p.ID == "" {
		p.ID = newID(s.seq)
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = time.Now()
	}
	if p.Rendered == "" {
		p.Rendered = p.Text
	}
	s.posts = append(s.posts, p)
	return p, true
}

func randomToken(prefix string) string { return prefix + rand.Text() }

// bearer returns the token of an "Authorization: Bearer <token>" header, or "".
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && (h[:7] == "Bearer " || h[:7] == "bearer ") {
		return h[7:]
	}
	return ""
}

// decodeObject parses a JSON object, keeping numbers as json.Number.
func decodeObject(body []byte) (map[string]any, bool) {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	return m, true
}

// jsonType names the JSON type of a decoded value the way validation messages do.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}
