package app_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

type verification struct {
	VerifyAuditLog struct {
		OK          bool `json:"ok"`
		Verified    int
		Unsealed    int
		HeadSeq     int
		FirstBroken *struct {
			EventID string
			Seq     int
			Reason  string
		}
		CheckpointValid   bool
		CheckpointTrusted bool
	}
}

const verifyQuery = `{ verifyAuditLog { ok verified unsealed headSeq firstBroken { eventId seq reason } checkpointValid checkpointTrusted } }`

func TestAuditLogTamperingIsDetected(t *testing.T) {
	t.Parallel()
	p := setup(t)
	ctx := context.Background()
	pp := p.create(t, "Audited.")
	p.submit(t, pp.ID)
	mustOK(t, p.decide(t, approve, "brand", pp, "fine"))

	// The worker seals within its interval: wait for it, with a deadline.
	var v verification
	deadline := time.Now().Add(10 * time.Second)
	for {
		p.Must(t, p.tok["admin"], verifyQuery, nil, &v)
		if v.VerifyAuditLog.Unsealed == 0 && v.VerifyAuditLog.Verified > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("audit events still unsealed after 10s: %+v", v.VerifyAuditLog)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !v.VerifyAuditLog.OK || !v.VerifyAuditLog.CheckpointValid || !v.VerifyAuditLog.CheckpointTrusted || v.VerifyAuditLog.FirstBroken != nil {
		t.Fatalf("intact log does not verify: %+v", v.VerifyAuditLog)
	}

	// The application's own connection cannot rewrite history.
	if _, err := p.App.Pool.Exec(ctx, `UPDATE audit_events SET details = '{}' WHERE subject_id = $1`, pp.ID); err == nil {
		t.Fatal("UPDATE of audit_events was allowed")
	}
	if _, err := p.App.Pool.Exec(ctx, `DELETE FROM audit_events WHERE subject_id = $1`, pp.ID); err == nil {
		t.Fatal("DELETE from audit_events was allowed")
	}

	// A superuser can switch the triggers off; verification still names the edited event.
	var victim int64
	var seq int
	if err := p.App.Pool.QueryRow(ctx, `SELECT id, seq FROM audit_events WHERE subject_id = $1 AND action = 'decision.approve'`, pp.ID).Scan(&victim, &seq); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.ConnectConfig(ctx, p.App.Pool.Config().ConnConfig)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `SET session_replication_role = replica`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `UPDATE audit_events SET details = jsonb_set(details::jsonb, '{comment}', '"rubber stamp"')::json WHERE id = $1`, victim); err != nil {
		t.Fatal(err)
	}
	p.Must(t, p.tok["admin"], verifyQuery, nil, &v)
	b := v.VerifyAuditLog.FirstBroken
	if v.VerifyAuditLog.OK || b == nil || b.EventID != strconv.FormatInt(victim, 10) || b.Seq != seq || b.Reason == "" {
		t.Fatalf("tampering not pinned on event %d (seq %d): %+v", victim, seq, v.VerifyAuditLog)
	}
	if v.VerifyAuditLog.Verified != seq-1 {
		t.Fatalf("verified %d events before the broken one, want %d", v.VerifyAuditLog.Verified, seq-1)
	}
}
