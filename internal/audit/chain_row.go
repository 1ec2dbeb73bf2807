package audit

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
)

// pgEpochMicros is PostgreSQL's timestamp epoch (2000-01-01 UTC) in Unix microseconds.
const pgEpochMicros = 946_684_800_000_000

// decodeChainRow decodes the binary values of one row of chainColumns into ev. Text fields of ev
// alias vals, which pgx reuses for the next row. seq, prev_hash and hash are NULL for an
// unsealed event: ev.Seq is then 0 and the hashes nil.
func decodeChainRow(rows pgx.Rows, ev *chainEvent) error {
	vals := rows.RawValues()
	if len(vals) != 13 {
		return fmt.Errorf("decode audit event: %d columns, want 13", len(vals))
	}
	for _, fd := range rows.FieldDescriptions() {
		if fd.Format != pgx.BinaryFormatCode {
			return fmt.Errorf("decode audit event: column %s is not in binary format", fd.Name)
		}
	}
	var err error
	if ev.ID, err = int8Value(vals[0]); err != nil {
		return fmt.Errorf("decode audit event id: %w", err)
	}
	ev.Seq = 0
	if vals[1] != nil {
		if ev.Seq, err = int8Value(vals[1]); err != nil {
			return fmt.Errorf("decode audit event %d seq: %w", ev.ID, err)
		}
	}
	pgMicros, err := int8Value(vals[2])
	if err != nil {
		return fmt.Errorf("decode audit event %d occurred_at: %w", ev.ID, err)
	}
	if pgMicros == math.MaxInt64 || pgMicros == math.MinInt64 || pgMicros > math.MaxInt64-pgEpochMicros {
		return fmt.Errorf("decode audit event %d occurred_at: not a finite time", ev.ID)
	}
	ev.OccurredAt = pgMicros + pgEpochMicros
	if !validTime(ev.OccurredAt) {
		return fmt.Errorf("decode audit event %d occurred_at: year outside 0000-9999", ev.ID)
	}
	ev.HasActor = vals[3] != nil
	if ev.HasActor {
		if len(vals[3]) != 16 {
			return fmt.Errorf("decode audit event %d actor_id: %d bytes", ev.ID, len(vals[3]))
		}
		ev.ActorID = [16]byte(vals[3])
	}
	ev.ActorEmail = vals[4]
	ev.Action = vals[5]
	ev.SubjectType = vals[6]
	ev.SubjectID = vals[7]
	ev.RequestID = vals[8]
	ev.IP = vals[9]
	// details is json: its binary form is the JSON text as stored.
	if len(vals[10]) == 0 {
		return fmt.Errorf("decode audit event %d details: empty", ev.ID)
	}
	ev.Details = vals[10]
	ev.PrevHash = vals[11]
	ev.Hash = vals[12]
	return nil
}

var errInt8Size = errors.New("not an 8-byte integer")

func int8Value(b []byte) (int64, error) {
	if len(b) != 8 {
		return 0, errInt8Size
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}
