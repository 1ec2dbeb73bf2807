package audit

import (
	"context"
	"crypto/ed25519"
	"encoding/binary"
	"fmt"
	"time"

	"clearpost/internal/postgres"

	"github.com/google/uuid"
)

// Checkpoint is a signed statement of an organization's chain head: the event at Seq has hash
// HeadHash. The sealer writes one each time it extends a chain.
type Checkpoint struct {
	OrgID     uuid.UUID
	Seq       int64
	HeadHash  []byte
	SignedAt  time.Time // when the sealer signed; not covered by the signature
	PublicKey ed25519.PublicKey
	Signature []byte
}

// checkpointDomain starts every checkpoint message, so a checkpoint signature cannot be taken for a
// signature of anything else.
const checkpointDomain = "clearpost audit checkpoint v1\x00"

// CheckpointMessage returns the bytes a checkpoint signs (Ed25519):
//
//	"clearpost audit checkpoint v1" 0x00 || org id (16 bytes) || seq (8 bytes, big-endian) || head hash (32 bytes)
func CheckpointMessage(orgID uuid.UUID, seq int64, headHash []byte) []byte {
	msg := make([]byte, 0, len(checkpointDomain)+16+8+len(headHash))
	msg = append(msg, checkpointDomain...)
	msg = append(msg, orgID[:]...)
	msg = binary.BigEndian.AppendUint64(msg, uint64(seq))
	return append(msg, headHash...)
}

// SignCheckpoint signs the chain head (seq, headHash) of org with key.
func SignCheckpoint(key ed25519.PrivateKey, orgID uuid.UUID, seq int64, headHash []byte) Checkpoint {
	return Checkpoint{
		OrgID:     orgID,
		Seq:       seq,
		HeadHash:  headHash,
		SignedAt:  time.Now().UTC().Truncate(time.Microsecond),
		PublicKey: key.Public().(ed25519.PublicKey),
		Signature: ed25519.Sign(key, CheckpointMessage(orgID, seq, headHash)),
	}
}

// SignatureValid reports whether c's signature verifies under c.PublicKey. It says nothing of who
// holds that key: callers that know the sealer's public key compare it with c.PublicKey too.
func (c *Checkpoint) SignatureValid() bool {
	if len(c.PublicKey) != ed25519.PublicKeySize || len(c.HeadHash) != HashSize {
		return false
	}
	return ed25519.Verify(c.PublicKey, CheckpointMessage(c.OrgID, c.Seq, c.HeadHash), c.Signature)
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
