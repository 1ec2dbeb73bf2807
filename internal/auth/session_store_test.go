package auth

import (
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
// data, another session and a session deleted in between are written at once.
func TestUnchangedSessionsAreNotWrittenOnEveryRequest(t *testing.T) {
	under := &countingStore{}
	s := newTouchingStore(under, time.Minute)
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	steps := []struct {
		what   string
		do     func() error
		writes int
	}{
		{"first commit", func() error { return s.Commit("a", []byte("v1"), t0) }, 1},
		{"same data 30 s later", func() error { return s.Commit("a", []byte("v1"), t0.Add(30*time.Second)) }, 1},
		{"same data 59 s later", func() error { return s.Commit("a", []byte("v1"), t0.Add(59*time.Second)) }, 1},
		{"same data a minute later", func() error { return s.Commit("a", []byte("v1"), t0.Add(time.Minute)) }, 2},
		{"changed data", func() error { return s.Commit("a", []byte("v2"), t0.Add(time.Minute)) }, 3},
		{"an earlier deadline (the absolute lifetime)", func() error { return s.Commit("a", []byte("v2"), t0) }, 4},
		{"another session", func() error { return s.Commit("b", []byte("v2"), t0) }, 5},
		{"deleted", func() error { return s.Delete("b") }, 5},
		{"written again after its deletion", func() error { return s.Commit("b", []byte("v2"), t0) }, 6},
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
