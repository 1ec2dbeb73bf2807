package auth

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"clearpost/internal/postgres/pgtest"

	"github.com/alexedwards/scs/v2"
)

// countingStore is a session store that counts what reaches it.
type countingStore struct {
	scs.Store
	commits, deletes int
}

func (c *countingStore) Commit(string, []byte, time.Time) error {
	c.commits++
	return nil
}

func (c *countingStore) Delete(string) error {
	c.deletes++
	return nil
}

// An unchanged session is written again only once its deadline has moved by a minute; changed
// data, another session and a session deleted in between are written at once. "Unchanged" means
// the same values, however the codec happened to order them this time.
func TestUnchangedSessionsAreNotWrittenOnEveryRequest(t *testing.T) {
	under := &countingStore{}
	codec := scs.GobCodec{}
	s := newTouchingStore(under, codec, time.Minute)
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	lifetime := t0.Add(12 * time.Hour)
	values := map[string]any{"user_id": "u1", "org_id": "o1", "signed_in": int64(1), "auth_time": int64(2), "id_token": "t", "issuer": "i"}
	encode := func(v map[string]any) []byte {
		b, err := codec.Encode(lifetime, v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	v1 := encode(values)
	// The same session encoded again, in another map order (as a request's commit encodes it).
	v1again := encode(values)
	for i := 0; bytes.Equal(v1, v1again); i++ {
		if i == 1000 {
			t.Fatal("1000 encodings of six values came out in one order")
		}
		v1again = encode(values)
	}
	changed := map[string]any{}
	for k, v := range values {
		changed[k] = v
	}
	changed["auth_time"] = int64(3)
	v2 := encode(changed)
	steps := []struct {
		what   string
		do     func() error
		writes int
	}{
		{"first commit", func() error { return s.Commit("a", v1, t0) }, 1},
		{"same data 30 s later", func() error { return s.Commit("a", v1, t0.Add(30*time.Second)) }, 1},
		{"same data in another order 59 s later", func() error { return s.Commit("a", v1again, t0.Add(59*time.Second)) }, 1},
		{"same data a minute later", func() error { return s.Commit("a", v1, t0.Add(time.Minute)) }, 2},
		{"changed data", func() error { return s.Commit("a", v2, t0.Add(time.Minute)) }, 3},
		{"an earlier deadline (the absolute lifetime)", func() error { return s.Commit("a", v2, t0) }, 4},
		{"another session", func() error { return s.Commit("b", v2, t0) }, 5},
		{"deleted", func() error { return s.Delete("b") }, 5},
		{"written again after its deletion", func() error { return s.Commit("b", v2, t0) }, 6},
		{"bytes the codec cannot read", func() error { return s.Commit("c", []byte("x"), t0) }, 7},
		{"the same unreadable bytes again", func() error { return s.Commit("c", []byte("x"), t0) }, 8},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.what, err)
		}
		if under.commits != st.writes {
			t.Fatalf("after %s: %d writes reached the store, want %d", st.what, under.commits, st.writes)
		}
	}
	if under.deletes != 1 {
		t.Fatalf("%d deletes reached the store, want 1", under.deletes)
	}
}

// A session signed out stays signed out: a request of the session still in flight when it ends
// (it loaded the session before) saves the session again when it finishes, and that save must not
// bring the session back.
func TestSignedOutSessionStaysSignedOutWhenAnEarlierRequestFinishes(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	sessions := NewSessions(pool, SessionOptions{IdleTimeout: time.Hour, Lifetime: 12 * time.Hour, Log: slog.New(slog.DiscardHandler)})
	entered, release := make(chan struct{}), make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/sign-in", func(w http.ResponseWriter, r *http.Request) { sessions.Put(r.Context(), keyUserID, "u1") })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
	})
	mux.HandleFunc("/sign-out", func(w http.ResponseWriter, r *http.Request) {
		if err := sessions.Destroy(r.Context()); err != nil {
			t.Error(err)
		}
	})
	mux.HandleFunc("/who", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, sessions.GetString(r.Context(), keyUserID))
	})
	srv := httptest.NewServer(sessions.LoadAndSave(mux))
	t.Cleanup(srv.Close)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	get := func(path string) string {
		t.Helper()
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	get("/sign-in")
	if who := get("/who"); who != "u1" {
		t.Fatalf("signed in as %q, want u1", who)
	}
	// The cookie as it is now, for the request that outlives the sign-out.
	cookies := jar.Cookies(mustParse(t, srv.URL))
	slow := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/slow", nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		slow <- err
	}()
	<-entered
	get("/sign-out")
	close(release)
	if err := <-slow; err != nil {
		t.Fatal(err)
	}
	// The old cookie, as a thief or a stale tab would send it.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/who", nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if who, _ := io.ReadAll(resp.Body); len(who) != 0 {
		t.Fatalf("the signed-out session is back, signed in as %q", who)
	}
	var rows int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions`).Scan(&rows); err != nil || rows != 0 {
		t.Fatalf("%d sessions stored after the sign-out, want 0 (%v)", rows, err)
	}
}

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
