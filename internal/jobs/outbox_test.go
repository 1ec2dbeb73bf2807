package jobs

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// EnqueueBatch writes, in one statement, the rows Enqueue writes one by one; and none when one
// message cannot be written.
func TestEnqueueBatchWritesWhatEnqueueWrites(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	trace := "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	payloads := []map[string]any{{"post_id": "p1", "task_key": "k1"}, {"post_id": "p2"}}
	for _, p := range payloads {
		if err := Enqueue(ctx, b.pool, b.org, TopicPostApproved, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := EnqueueBatch(ctx, b.pool, nil); err != nil {
		t.Fatalf("empty batch: %v", err)
	}
	if err := EnqueueBatch(ctx, b.pool, []Message{
		{OrgID: b.org, Topic: TopicPostApproved, Payload: payloads[0]},
		{OrgID: b.org, Topic: TopicPostApproved, Payload: payloads[1]},
		{OrgID: b.org, Topic: TopicCommentAdded, Payload: map[string]any{"comment_id": "c1"}, TraceContext: &trace},
	}); err != nil {
		t.Fatal(err)
	}
	if err := EnqueueBatch(ctx, b.pool, []Message{
		{OrgID: b.org, Topic: TopicPostApproved, Payload: payloads[0]},
		{OrgID: b.org, Topic: TopicPostApproved, Payload: func() {}}, // not JSON
	}); err == nil {
		t.Fatal("a batch with a payload that is not JSON was written")
	}

	type row struct {
		OrgID   string
		Topic   string
		Payload string
		Trace   *string
	}
	rows, err := b.pool.Query(ctx, `SELECT org_id::text, topic, payload::text, trace_context FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 {
		t.Fatalf("%d outbox rows, want 2 from Enqueue and 3 from EnqueueBatch", len(got))
	}
	for i := range 2 {
		one, batched := got[i], got[2+i]
		if one.OrgID != batched.OrgID || one.Topic != batched.Topic || one.Payload != batched.Payload || one.Trace != nil || batched.Trace != nil {
			t.Errorf("Enqueue wrote %+v, EnqueueBatch %+v", one, batched)
		}
	}
	if last := got[4]; last.Topic != TopicCommentAdded || last.Payload != `{"comment_id": "c1"}` || last.Trace == nil || *last.Trace != trace {
		t.Errorf("third batched row %+v", last)
	}
}
