package auth

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"clearpost/internal/postgres"

	"github.com/alexedwards/scs/v2"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/jackc/pgx/v5/pgxpool"
)

// sessionStore keeps browser sessions in PostgreSQL (the sessions table scs's pgxstore uses), and
// keeps a signed-out session out: a request of the session still in flight when it was signed out
// saves it when it finishes (scs saves every session at the end of its request), which would
// otherwise bring it back. Revocations last lifetime, the longest a session lives.
type sessionStore struct {
	pool     *pgxpool.Pool
	lifetime time.Duration
}

func (s *sessionStore) Find(token string) ([]byte, bool, error) {
	var b []byte
	err := s.pool.QueryRow(context.Background(), findSessionSQL, token).Scan(&b)
	if postgres.NoRows(err) {
		return nil, false, nil
	}
	return b, err == nil, err
}

func (s *sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	_, err := s.pool.Exec(context.Background(), commitSessionSQL, token, b, expiry)
	return err
}

func (s *sessionStore) Delete(token string) error {
	_, err := s.pool.Exec(context.Background(), deleteSessionSQL, token, s.lifetime)
	return err
}

// deleteExpired removes expired sessions every interval, for the life of the process.
func (s *sessionStore) deleteExpired(every time.Duration, log *slog.Logger) {
	for range time.Tick(every) {
		if _, err := s.pool.Exec(context.Background(), deleteExpiredSessionsSQL); err != nil {
			log.Error("delete expired sessions", slog.Any("error", err))
		}
	}
}

// sessionTouchEvery is how far a session's idle deadline may move before an unchanged session is
// written again: scs, with an idle timeout, commits every session on every request only to move
// that deadline, which put a write into every request. The cost: the idle timeout is enforced
// within a minute, or a tenth of it when shorter (a session can end up to this much before
// IdleTimeout of inactivity).
const sessionTouchEvery = time.Minute

// touchingStore wraps the session store and skips a commit that would write the same data as this
// process last wrote for the token, with a deadline less than every later. Each process keeps its
// own record, so behind several replicas a session is written at most once per every by each.
//
// "The same data" is compared decoded, by a digest of the session's deadline and its values in key
// order: the codec encodes the values as a map, in Go's map order, which differs from one encoding
// to the next, so equal sessions seldom encode to equal bytes. The record holds the digest only,
// not the session (whose values include the ID token).
type touchingStore struct {
	scs.Store
	codec   scs.Codec
	every   time.Duration
	written *lru.Cache[string, sessionWrite] // by the token as the store sees it
}

type sessionWrite struct {
	sum    [sha256.Size]byte
	expiry time.Time
}

func newTouchingStore(store scs.Store, codec scs.Codec, every time.Duration) *touchingStore {
	written, err := lru.New[string, sessionWrite](100_000)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return &touchingStore{Store: store, codec: codec, every: every, written: written}
}

// sessionDigest digests a session's deadline and values, the same for equal sessions whatever the
// order of their encoding. The values are the session's keys' strings and integers, which %#v
// prints exactly (and maps in key order).
func sessionDigest(deadline time.Time, values map[string]any) [sha256.Size]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%d;", deadline.UnixNano())
	for _, k := range slices.Sorted(maps.Keys(values)) {
		fmt.Fprintf(h, "%q=%T:%#v;", k, values[k], values[k])
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

func (s *touchingStore) Commit(token string, b []byte, expiry time.Time) error {
	deadline, values, err := s.codec.Decode(b)
	if err != nil { // not ours to judge: the store writes it, and nothing is remembered
		s.written.Remove(token)
		return s.Store.Commit(token, b, expiry)
	}
	w := sessionWrite{sum: sessionDigest(deadline, values), expiry: expiry}
	if last, ok := s.written.Get(token); ok && last.sum == w.sum && !expiry.Before(last.expiry) && expiry.Sub(last.expiry) < s.every {
		return nil
	}
	if err := s.Store.Commit(token, b, expiry); err != nil {
		s.written.Remove(token)
		return err
	}
	s.written.Add(token, w)
	return nil
}

func (s *touchingStore) Delete(token string) error {
	s.written.Remove(token)
	return s.Store.Delete(token)
}
