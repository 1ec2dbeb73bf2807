package auth

import (
	"bytes"
	"testing"
	"time"

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
