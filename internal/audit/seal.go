package audit

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultBatchSize is how many events a Sealer seals per transaction unless told otherwise.
const DefaultBatchSize = 5000

// Sealer gives unsealed events their chain position (seq), prev_hash and hash, and signs a
// checkpoint of each new chain head. Any number of sealers, in any number of processes, may run
// against one database: an advisory lock per organization lets one of them seal it at a time, and
// the others skip it. Chain order is seal order: an event committed late, after events with higher
// ids were sealed, is sealed in a later batch.
type Sealer struct {
	Pool      *pgxpool.Pool
	Key       ed25519.PrivateKey
	Logger    *slog.Logger
	BatchSize int // events per sealing transaction; 0 means DefaultBatchSize
}

// NewSealer returns a Sealer signing checkpoints with key.
func NewSealer(pool *pgxpool.Pool, key ed25519.PrivateKey, logger *slog.Logger) *Sealer {
	return &Sealer{Pool: pool, Key: key, Logger: logger}
}

// Run seals every organization's pending events every interval until ctx is done. Errors are
// logged and retried at the next tick.
func (s *Sealer) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.SealAll(ctx); err != nil && ctx.Err() == nil {
			s.logger().ErrorContext(ctx, "seal audit events", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SealAll seals the pending events of every organization that has some. It carries on past an
// organization that fails and returns the errors joined.
func (s *Sealer) SealAll(ctx context.Context) (sealed int, err error) {
	orgs, err := orgsWithUnsealed(ctx, s.Pool)
	if err != nil {
		return 0, fmt.Errorf("list orgs with unsealed audit events: %w", err)
	}
	var errs []error
	for _, org := range orgs {
		n, err := s.SealOrg(ctx, org)
		sealed += n
		if err != nil {
			errs = append(errs, err)
		}
	}
	return sealed, errors.Join(errs...)
}

// SealOrg seals org's pending events, oldest id first, in transactions of up to BatchSize events,
// each ending with a signed checkpoint of the new head. It returns 0, nil at once if another
// sealer holds org's lock.
func (s *Sealer) SealOrg(ctx context.Context, orgID uuid.UUID) (sealed int, err error) {
	if len(s.Key) != ed25519.PrivateKeySize {
		return 0, fmt.Errorf("seal org %s: no ed25519 signing key", orgID)
	}
	batch := s.BatchSize
	if batch <= 0 {
		batch = DefaultBatchSize
	}
	for {
		n, err := s.sealBatch(ctx, orgID, batch)
		sealed += n
		if err != nil {
			return sealed, fmt.Errorf("seal org %s: %w", orgID, err)
		}
		if n < batch {
			if sealed > 0 {
				s.logger().DebugContext(ctx, "sealed audit events", slog.String("org_id", orgID.String()), slog.Int("sealed", sealed))
			}
			return sealed, nil
		}
	}
}

// sealBatch seals up to limit events of org in one transaction. It seals none if another sealer
// holds the org's lock.
func (s *Sealer) sealBatch(ctx context.Context, orgID uuid.UUID, limit int) (sealed int, err error) {
	err = postgres.WithTx(ctx, s.Pool, func(tx pgx.Tx) error {
		locked, err := tryLockSeal(ctx, tx, orgID)
		if err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		if !locked {
			return nil
		}
		// Read after taking the lock: in read committed, this statement sees every seal committed
		// by the sealer that held the lock before.
		headSeq, prev, err := chainHead(ctx, tx, orgID)
		if err != nil {
			return fmt.Errorf("read chain head: %w", err)
		}
		if len(prev) != HashSize {
			return fmt.Errorf("chain head seq %d has a %d-byte hash", headSeq, len(prev))
		}

		var (
			buf    []byte
			ids    = make([]int64, 0, limit)
			seqs   = make([]int64, 0, limit)
			prevs  = make([][]byte, 0, limit)
			hashes = make([][]byte, 0, limit)
		)
		err = lockUnsealed(ctx, tx, orgID, limit, func(ev *chainEvent) {
			ev.Seq = headSeq + 1
			var sum [HashSize]byte
			sum, buf = eventHash(buf, orgID, prev, ev)
			ids = append(ids, ev.ID)
			seqs = append(seqs, ev.Seq)
			prevs = append(prevs, prev)
			hashes = append(hashes, sum[:])
			headSeq, prev = ev.Seq, sum[:]
		})
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}

		n, err := sealEvents(ctx, tx, ids, seqs, prevs, hashes)
		if err != nil {
			return fmt.Errorf("seal %d events: %w", len(ids), err)
		}
		if n != int64(len(ids)) {
			return fmt.Errorf("sealed %d of %d events", n, len(ids))
		}
		if err := insertCheckpoint(ctx, tx, SignCheckpoint(s.Key, orgID, headSeq, prev)); err != nil {
			return err
		}
		sealed = len(ids)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return sealed, nil
}

// sealLockKey is the advisory lock key that serializes sealing of one organization: the first
// 8 bytes of SHA-256("clearpost audit seal" || org id).
func sealLockKey(orgID uuid.UUID) int64 {
	sum := sha256.Sum256(append([]byte("clearpost audit seal"), orgID[:]...))
	return int64(binary.BigEndian.Uint64(sum[:8]))
}

func (s *Sealer) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}
