package audit_test

import (
	"context"
	"strings"
	"testing"

	"clearpost/internal/audit"

	"github.com/google/uuid"
)

// TestVerifyNamesTamperedEvent tampers with the chain as a superuser could (triggers disabled) and
// checks that Verify names exactly the first event that no longer verifies.
func TestVerifyNamesTamperedEvent(t *testing.T) {
	t.Parallel()
	const n, k = 12, 5
	tests := []struct {
		name      string
		sql       string // $1 is the org, $2 the seq of event k
		brokenSeq int64  // the event Verify must name
		verified  int64  // events that verify before it
		reason    string // a word of its reason
	}{
		{"details changed", `UPDATE audit_events SET details = (details::jsonb || '{"comment":"edited"}')::json
			WHERE org_id = $1 AND seq = $2`, k, k - 1, "content"},
		{"actor changed", `UPDATE audit_events SET actor_email = 'mallory@example.com'
			WHERE org_id = $1 AND seq = $2`, k, k - 1, "content"},
		{"occurred_at moved by a microsecond", `UPDATE audit_events SET occurred_at = occurred_at + interval '1 microsecond'
			WHERE org_id = $1 AND seq = $2`, k, k - 1, "content"},
		{"hash rewritten", `UPDATE audit_events SET hash = sha256(hash) WHERE org_id = $1 AND seq = $2`, k, k - 1, "content"},
		{"prev_hash rewritten", `UPDATE audit_events SET prev_hash = sha256(prev_hash) WHERE org_id = $1 AND seq = $2`, k, k - 1, "prev_hash"},
		{"event deleted", `DELETE FROM audit_events WHERE org_id = $1 AND seq = $2`, k + 1, k - 1, "missing"},
		{"first event deleted", `DELETE FROM audit_events WHERE org_id = $1 AND seq = $2 - 4`, 2, 0, "missing"},
		{"seq renumbered", `UPDATE audit_events SET seq = seq + 100 WHERE org_id = $1 AND seq = $2`, k + 1, k - 1, "missing"},
		{"event moved to another org", `UPDATE audit_events SET org_id = (SELECT id FROM organizations WHERE slug = 'other')
			WHERE org_id = $1 AND seq = $2`, k + 1, k - 1, "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			b := setup(t)
			org := MustOrg(t, b.pool, "victim")
			MustOrg(t, b.pool, "other")
			MustRecord(t, b.pool, org, n)
			MustSealAll(t, b.sealer, org)
			MustVerify(t, b.pool, org, n)
			wantID := eventIDAt(t, b.pool, org, tt.brokenSeq)

			tamper(t, b.pool, tt.sql, org, int64(k))

			res, err := audit.Verify(ctx, b.pool, org)
			if err != nil {
				t.Fatal(err)
			}
			if res.FirstBroken == nil {
				t.Fatalf("tampering not detected: %+v", res)
			}
			if got := *res.FirstBroken; got.EventID != wantID || got.Seq != tt.brokenSeq || !strings.Contains(got.Reason, tt.reason) {
				t.Fatalf("first broken = %+v, want event %d at seq %d, reason mentioning %q", got, wantID, tt.brokenSeq, tt.reason)
			}
			if res.Verified != tt.verified || res.HeadSeq != tt.verified {
				t.Fatalf("verified %d up to seq %d, want %d", res.Verified, res.HeadSeq, tt.verified)
			}
			if res.CheckpointValid || res.OK() {
				t.Fatalf("checkpoint valid = %v (%s), OK = %v", res.CheckpointValid, res.CheckpointProblem, res.OK())
			}
		})
	}
}

// TestVerifyTruncatedTail checks that removing the newest events, which leaves a chain that links
// up, is caught by the checkpoint.
func TestVerifyTruncatedTail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	org := MustOrg(t, b.pool, "tail")
	MustRecord(t, b.pool, org, 4)
	MustSealAll(t, b.sealer, org)
	tamper(t, b.pool, `DELETE FROM audit_events WHERE org_id = $1 AND seq = 4`, org)

	res, err := audit.Verify(ctx, b.pool, org)
	if err != nil {
		t.Fatal(err)
	}
	if res.FirstBroken != nil || res.Verified != 3 {
		t.Fatalf("chain of 3: %+v", res)
	}
	if res.CheckpointValid || !strings.Contains(res.CheckpointProblem, "before the checkpoint") || res.OK() {
		t.Fatalf("checkpoint valid = %v (%q), OK = %v", res.CheckpointValid, res.CheckpointProblem, res.OK())
	}
}

// TestVerifyForgedCheckpoint checks checkpoints whose signature or head do not hold.
func TestVerifyForgedCheckpoint(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	org := MustOrg(t, b.pool, "forged")
	MustRecord(t, b.pool, org, 3)
	MustSealAll(t, b.sealer, org)

	// A newer checkpoint for seq 3 cannot be inserted (primary key), so forge one ahead: a later
	// head that the chain does not have, and one with a bad signature for the real head.
	res := MustVerify(t, b.pool, org, 3)
	forged := audit.SignCheckpoint(b.key, org, 3, res.HeadHash)
	forged.Signature[0] ^= 1
	tamper(t, b.pool, `DELETE FROM audit_checkpoints WHERE org_id = $1`, org)
	tamper(t, b.pool, `INSERT INTO audit_checkpoints (org_id, seq, head_hash, public_key, signature)
		VALUES ($1, $2, $3, $4, $5)`, org, forged.Seq, forged.HeadHash, []byte(forged.PublicKey), forged.Signature)
	res, err := audit.Verify(ctx, b.pool, org)
	if err != nil {
		t.Fatal(err)
	}
	if res.FirstBroken != nil || res.CheckpointValid || !strings.Contains(res.CheckpointProblem, "signature") || res.OK() {
		t.Fatalf("bad signature: %+v", res)
	}

	// Properly signed, but of a head hash the chain does not have.
	wrong := audit.SignCheckpoint(b.key, org, 2, make([]byte, audit.HashSize))
	tamper(t, b.pool, `DELETE FROM audit_checkpoints WHERE org_id = $1`, org)
	tamper(t, b.pool, `INSERT INTO audit_checkpoints (org_id, seq, head_hash, public_key, signature)
		VALUES ($1, $2, $3, $4, $5)`, org, wrong.Seq, wrong.HeadHash, []byte(wrong.PublicKey), wrong.Signature)
	res, err = audit.Verify(ctx, b.pool, org)
	if err != nil {
		t.Fatal(err)
	}
	if res.CheckpointValid || !strings.Contains(res.CheckpointProblem, "head hash") || res.OK() {
		t.Fatalf("wrong head: %+v", res)
	}

	// Signed for another organization.
	other := audit.SignCheckpoint(b.key, uuid.New(), 3, res.HeadHash)
	tamper(t, b.pool, `DELETE FROM audit_checkpoints WHERE org_id = $1`, org)
	tamper(t, b.pool, `INSERT INTO audit_checkpoints (org_id, seq, head_hash, public_key, signature)
		VALUES ($1, $2, $3, $4, $5)`, org, other.Seq, other.HeadHash, []byte(other.PublicKey), other.Signature)
	res, err = audit.Verify(ctx, b.pool, org)
	if err != nil {
		t.Fatal(err)
	}
	if res.CheckpointValid || res.OK() {
		t.Fatalf("other org's checkpoint: %+v", res)
	}
}
