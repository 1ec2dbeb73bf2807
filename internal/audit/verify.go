package audit

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"

	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Result is what verifying a chain found.
type Result struct {
	Verified int64  // sealed events that verified, from seq 1 up to HeadSeq
	Unsealed int64  // events not sealed yet (always 0 for an export)
	HeadSeq  int64  // seq of the last event that verified; 0 if none did
	HeadHash []byte // hash of the event at HeadSeq; nil if none
	// FirstBroken is the first event that does not verify; the chain is not checked past it.
	FirstBroken *Broken
	// Checkpoint is the latest signed checkpoint, nil if there is none. CheckpointValid reports
	// that its signature verifies under its public key and that the chain has its head hash at its
	// seq; CheckpointProblem says why not otherwise.
	Checkpoint        *Checkpoint
	CheckpointValid   bool
	CheckpointProblem string
}

// Broken names the first event that does not verify and why.
type Broken struct {
	EventID int64 // 0 when the event could not be read at all (a mangled export line)
	Seq     int64 // the event's seq, or the seq expected at that position
	Reason  string
}

// OK reports whether the whole sealed chain verified and is covered by a valid checkpoint of its
// head (an empty chain needs none).
func (r Result) OK() bool {
	if r.FirstBroken != nil {
		return false
	}
	if r.Checkpoint == nil {
		return r.HeadSeq == 0
	}
	return r.CheckpointValid && r.Checkpoint.Seq == r.HeadSeq
}

// SignedBy reports whether the checkpoint was signed with one of keys. OK trusts the public key a
// checkpoint carries, and whoever can rewrite the database can re-sign a rewritten chain with a key
// of their own: callers that know the sealer's public key check it here too.
func (r Result) SignedBy(keys ...ed25519.PublicKey) bool {
	if r.Checkpoint == nil {
		return false
	}
	for _, k := range keys {
		if k.Equal(r.Checkpoint.PublicKey) {
			return true
		}
	}
	return false
}

// chainVerifier checks the events of one organization's chain in seq order. The database and the
// offline verifier feed it the same way.
type chainVerifier struct {
	orgID      uuid.UUID
	checkpoint *Checkpoint
	prev       [HashSize]byte
	buf        []byte
	res        Result
	// checkpointMatch records whether the chain had the checkpoint's head hash at its seq.
	checkpointMatch bool
}

func newChainVerifier(orgID uuid.UUID, c *Checkpoint) *chainVerifier {
	return &chainVerifier{orgID: orgID, checkpoint: c, buf: make([]byte, 0, 1024)}
}

// add checks the next event; it returns false, having recorded FirstBroken, if ev does not verify.
func (v *chainVerifier) add(ev *chainEvent) bool {
	want := v.res.HeadSeq + 1
	switch {
	case ev.Seq > want:
		return v.broken(ev.ID, ev.Seq, fmt.Sprintf("seq %d follows seq %d: events %d..%d are missing", ev.Seq, want-1, want, ev.Seq-1))
	case ev.Seq < want:
		return v.broken(ev.ID, ev.Seq, fmt.Sprintf("seq %d out of order: expected seq %d", ev.Seq, want))
	case !bytes.Equal(ev.PrevHash, v.prev[:]):
		if want == 1 {
			return v.broken(ev.ID, ev.Seq, "prev_hash is not the genesis hash")
		}
		return v.broken(ev.ID, ev.Seq, fmt.Sprintf("prev_hash does not match the hash of seq %d", want-1))
	}
	var sum [HashSize]byte
	sum, v.buf = eventHash(v.buf, v.orgID, v.prev[:], ev)
	if !bytes.Equal(sum[:], ev.Hash) {
		return v.broken(ev.ID, ev.Seq, "hash does not match the event's content")
	}
	v.prev = sum
	v.res.HeadSeq = ev.Seq
	v.res.Verified++
	if v.checkpoint != nil && ev.Seq == v.checkpoint.Seq {
		v.checkpointMatch = bytes.Equal(sum[:], v.checkpoint.HeadHash)
	}
	return true
}

func (v *chainVerifier) broken(id, seq int64, reason string) bool {
	v.res.FirstBroken = &Broken{EventID: id, Seq: seq, Reason: reason}
	return false
}

// result finishes verification: the head and the checkpoint.
func (v *chainVerifier) result() Result {
	r := v.res
	if r.HeadSeq > 0 {
		r.HeadHash = append([]byte(nil), v.prev[:]...)
	}
	c := v.checkpoint
	r.Checkpoint = c
	switch {
	case c == nil:
		r.CheckpointProblem = "no checkpoint"
	case c.OrgID != v.orgID:
		r.CheckpointProblem = "checkpoint is for another organization"
	case !c.SignatureValid():
		r.CheckpointProblem = "checkpoint signature does not verify"
	case c.Seq > r.HeadSeq && r.FirstBroken != nil:
		r.CheckpointProblem = fmt.Sprintf("chain is broken before the checkpoint's seq %d", c.Seq)
	case c.Seq > r.HeadSeq:
		r.CheckpointProblem = fmt.Sprintf("chain ends at seq %d, before the checkpoint's seq %d", r.HeadSeq, c.Seq)
	case !v.checkpointMatch:
		r.CheckpointProblem = fmt.Sprintf("checkpoint head hash does not match the chain at seq %d", c.Seq)
	default:
		r.CheckpointValid = true
	}
	return r
}

// Verify recomputes org's chain from the database: seqs 1..n without gaps, each prev_hash the hash
// of the event before, each hash SHA-256(prev_hash || canonical bytes). It stops at the first event
// that does not verify and names it in FirstBroken, and checks the latest checkpoint. A broken
// chain is a Result, not an error; errors are failures to read. Given a pool, Verify reads in one
// repeatable-read snapshot; given a transaction, in that transaction's.
func Verify(ctx context.Context, db postgres.DB, orgID uuid.UUID) (Result, error) {
	var res Result
	err := snapshot(ctx, db, func(db postgres.DB) error {
		c, err := latestCheckpoint(ctx, db, orgID)
		if err != nil {
			return err
		}
		v := newChainVerifier(orgID, c)
		if err := streamChain(ctx, db, orgID, v.add); err != nil {
			return err
		}
		res = v.result()
		res.Unsealed, err = countUnsealed(ctx, db, orgID)
		return err
	})
	if err != nil {
		return Result{}, fmt.Errorf("verify audit log of org %s: %w", orgID, err)
	}
	return res, nil
}

// txBeginner is what a pool has and a transaction has not.
type txBeginner interface {
	BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error)
}

// snapshot runs fn with all its reads in one snapshot: in a read-only repeatable-read transaction
// if db is a pool, in db itself if it is a transaction already.
func snapshot(ctx context.Context, db postgres.DB, fn func(postgres.DB) error) error {
	b, ok := db.(txBeginner)
	if !ok {
		return fn(db)
	}
	tx, err := b.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
