package audit

import (
	"crypto/ed25519"
	"encoding/binary"
	"time"

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
