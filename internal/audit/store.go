package audit

// The audit log's SQL, and the small functions that run it.

import (
	"context"
	"fmt"

	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// chainColumns are the columns of audit_events a chain event is read from, in the order
// decodeChainRow expects. The sealer and Verify read the same columns the same way, so what is
// hashed at sealing is what is checked later.
const chainColumns = `id, seq, occurred_at, actor_id, actor_email, action, subject_type, subject_id,
	request_id, ip, details, prev_hash, hash`

// chainFormats asks for every chain column in binary, so rows decode without allocating.
var chainFormats = pgx.QueryResultFormats{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}

func insertEvent(ctx context.Context, db postgres.Execer, e Event, details []byte) error {
	_, err := db.Exec(ctx, `
		INSERT INTO audit_events (org_id, actor_id, actor_email, action, subject_type, subject_id,
			request_id, ip, details)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		e.OrgID, e.ActorID, e.ActorEmail, e.Action, e.SubjectType, e.SubjectID,
		e.RequestID, e.IP, details)
	return err
}

// orgsWithUnsealed returns the organizations that have unsealed events.
func orgsWithUnsealed(ctx context.Context, db postgres.DB) ([]uuid.UUID, error) {
	rows, err := db.Query(ctx, `SELECT DISTINCT org_id FROM audit_events WHERE seq IS NULL`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// tryLockSeal takes org's sealing lock for the rest of the transaction, if no one holds it.
func tryLockSeal(ctx context.Context, tx pgx.Tx, orgID uuid.UUID) (locked bool, err error) {
	err = tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, sealLockKey(orgID)).Scan(&locked)
	return locked, err
}

// chainHead returns the seq and hash of org's last sealed event: 0 and the genesis hash when none is.
func chainHead(ctx context.Context, tx pgx.Tx, orgID uuid.UUID) (seq int64, hash []byte, err error) {
	seq, hash = 0, genesis[:]
	err = tx.QueryRow(ctx, `
		SELECT seq, hash FROM audit_events
		WHERE org_id = $1 AND seq IS NOT NULL ORDER BY seq DESC LIMIT 1`, orgID,
	).Scan(&seq, &hash)
	if err != nil && !postgres.NoRows(err) {
		return 0, nil, err
	}
	return seq, hash, nil
}

// lockUnsealed reads up to limit of org's unsealed events, oldest id first, locked for the rest of
// the transaction, and passes each to fn. The event passed to fn is only valid during the call.
func lockUnsealed(ctx context.Context, tx pgx.Tx, orgID uuid.UUID, limit int, fn func(*chainEvent)) error {
	rows, err := tx.Query(ctx, `SELECT `+chainColumns+`
		FROM audit_events WHERE org_id = $1 AND seq IS NULL
		ORDER BY id LIMIT $2 FOR UPDATE`, chainFormats, orgID, limit)
	return eachChainEvent(rows, err, "read unsealed events", func(ev *chainEvent) bool {
		fn(ev)
		return true
	})
}

// sealEvents gives the unsealed events ids their seqs, prev hashes and hashes, and returns how
// many it sealed.
func sealEvents(ctx context.Context, tx pgx.Tx, ids, seqs []int64, prevs, hashes [][]byte) (int64, error) {
	tag, err := tx.Exec(ctx, `
		UPDATE audit_events e SET seq = u.seq, prev_hash = u.prev_hash, hash = u.hash
		FROM unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::bytea[]) AS u(id, seq, prev_hash, hash)
		WHERE e.id = u.id AND e.seq IS NULL`, ids, seqs, prevs, hashes)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

// streamChain reads org's sealed events in seq order and passes each to fn until
// fn returns false. The event passed to fn is only valid during the call.
//
// One stream, binary columns, no allocation per row: on two cores the PostgreSQL backend sending
// the rows is the bottleneck (details is json, so it is sent as stored, not re-rendered as jsonb would be) and splitting seq
// ranges over several connections measured slower, not faster.
func streamChain(ctx context.Context, db postgres.DB, orgID uuid.UUID, fn func(*chainEvent) bool) error {
	rows, err := db.Query(ctx, `SELECT `+chainColumns+`
		FROM audit_events WHERE org_id = $1 AND seq IS NOT NULL ORDER BY seq`,
		chainFormats, orgID)
	return eachChainEvent(rows, err, "read audit chain", fn)
}

// eachChainEvent decodes the rows of chainColumns a query returned (or its error), passing each
// event to fn until fn returns false. Errors of the query are wrapped as what.
func eachChainEvent(rows pgx.Rows, err error, what string, fn func(*chainEvent) bool) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var ev chainEvent
	for rows.Next() {
		if err := decodeChainRow(rows, &ev); err != nil {
			return err
		}
		if !fn(&ev) {
			break
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// countUnsealed returns how many of org's events are not sealed yet.
func countUnsealed(ctx context.Context, db postgres.DB, orgID uuid.UUID) (n int64, err error) {
	err = db.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE org_id = $1 AND seq IS NULL`, orgID).Scan(&n)
	return n, err
}

// latestCheckpoint returns org's checkpoint with the highest seq, or nil if it has none.
func latestCheckpoint(ctx context.Context, db postgres.DB, orgID uuid.UUID) (*Checkpoint, error) {
	c := Checkpoint{OrgID: orgID}
	var pub []byte
	err := db.QueryRow(ctx, `
		SELECT seq, head_hash, signed_at, public_key, signature
		FROM audit_checkpoints WHERE org_id = $1 ORDER BY seq DESC LIMIT 1`, orgID,
	).Scan(&c.Seq, &c.HeadHash, &c.SignedAt, &pub, &c.Signature)
	if postgres.NoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("latest audit checkpoint of org %s: %w", orgID, err)
	}
	c.SignedAt = c.SignedAt.UTC()
	c.PublicKey = pub
	return &c, nil
}

func insertCheckpoint(ctx context.Context, db postgres.DB, c Checkpoint) error {
	_, err := db.Exec(ctx, `
		INSERT INTO audit_checkpoints (org_id, seq, head_hash, signed_at, public_key, signature)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		c.OrgID, c.Seq, c.HeadHash, c.SignedAt, []byte(c.PublicKey), c.Signature)
	if err != nil {
		return fmt.Errorf("insert audit checkpoint %d of org %s: %w", c.Seq, c.OrgID, err)
	}
	return nil
}

// listEvents runs ListEvents' statement: one of two fixed queries, so that each keeps an index
// that yields rows in id order: by subject, or by organization.
func listEvents(ctx context.Context, db postgres.DB, orgID uuid.UUID, f EventFilter, before int64, limit int) ([]*StoredEvent, error) {
	var rows pgx.Rows
	var err error
	if f.SubjectID != "" {
		rows, err = db.Query(ctx, `
			SELECT `+listColumns+` FROM audit_events
			WHERE org_id = $1 AND subject_type = $2 AND subject_id = $3 AND id < $4
				AND ($5::text = '' OR action = $5) AND ($6::uuid IS NULL OR actor_id = $6)
			ORDER BY id DESC LIMIT $7`,
			orgID, f.SubjectType, f.SubjectID, before, f.Action, f.ActorID, limit)
	} else {
		rows, err = db.Query(ctx, `
			SELECT `+listColumns+` FROM audit_events
			WHERE org_id = $1 AND id < $2
				AND ($3::text = '' OR subject_type = $3) AND ($4::text = '' OR action = $4)
				AND ($5::uuid IS NULL OR actor_id = $5)
			ORDER BY id DESC LIMIT $6`,
			orgID, before, f.SubjectType, f.Action, f.ActorID, limit)
	}
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[StoredEvent])
}

const listColumns = `id, org_id, occurred_at, actor_id, actor_email, action, subject_type, subject_id,
	request_id, ip, details, seq, hash`
