package jobs

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
)

func TestTaskPayload(t *testing.T) {
	t.Parallel()
	org := uuid.New()
	for _, tc := range []struct {
		name, payload, want string
	}{
		{"object gains the row", `{"post_id": "p1", "n": 2}`,
			`{"n":2,"org_id":"` + org.String() + `","outbox_id":7,"post_id":"p1","topic":"post.approved"}`},
		{"row fields win", `{"outbox_id": 99, "topic": "forged"}`,
			`{"org_id":"` + org.String() + `","outbox_id":7,"topic":"post.approved"}`},
		{"non-object kept aside", `[1,2]`,
			`{"org_id":"` + org.String() + `","outbox_id":7,"payload":[1,2],"topic":"post.approved"}`},
		{"null kept aside", `null`,
			`{"org_id":"` + org.String() + `","outbox_id":7,"payload":null,"topic":"post.approved"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, sched, err := taskPayload(outboxRow{ID: 7, OrgID: org, Topic: TopicPostApproved, Payload: []byte(tc.payload)})
			if err != nil {
				t.Fatal(err)
			}
			if sched != (Schedule{}) {
				t.Errorf("schedule = %+v, want none", sched)
			}
			if string(got) != tc.want {
				t.Errorf("payload\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestTaskPayloadSchedule(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	payload, _ := json.Marshal(map[string]any{"job_id": "j1", "task_key": "j1.1", "process_at": at})
	got, sched, err := taskPayload(outboxRow{ID: 7, OrgID: uuid.New(), Topic: "post.scheduled", Payload: payload})
	if err != nil {
		t.Fatal(err)
	}
	if sched.TaskKey != "j1.1" || !sched.ProcessAt.Equal(at) {
		t.Errorf("schedule = %+v, want key j1.1 at %s", sched, at)
	}
	var back map[string]any
	if err := json.Unmarshal(got, &back); err != nil || back["job_id"] != "j1" {
		t.Errorf("payload lost its fields: %s", got)
	}
	for _, bad := range []string{`{"task_key": 5}`, `{"process_at": "tomorrow"}`} {
		if _, _, err := taskPayload(outboxRow{ID: 8, Payload: []byte(bad)}); err == nil {
			t.Errorf("taskPayload(%s) accepted a bad schedule", bad)
		}
	}
}

func TestDecodePayload(t *testing.T) {
	t.Parallel()
	type payload struct {
		Event
		PostID uuid.UUID `json:"post_id"`
	}
	post := uuid.New()
	good, _ := json.Marshal(map[string]any{"outbox_id": 3, "org_id": uuid.Nil, "topic": "t", "post_id": post})
	p, err := DecodePayload[payload](asynq.NewTask(TypeSearchIndex, good))
	if err != nil || p.OutboxID != 3 || p.PostID != post {
		t.Errorf("DecodePayload = %+v, %v", p, err)
	}
	for _, bad := range []string{`not json`, `{"post_id": "not a uuid"}`, ``} {
		_, err := DecodePayload[payload](asynq.NewTask(TypeSearchIndex, []byte(bad)))
		if !errors.Is(err, asynq.SkipRetry) {
			t.Errorf("DecodePayload(%q) = %v, want an error wrapping asynq.SkipRetry", bad, err)
		}
	}
}

func TestTaskIDIsStablePerRowAndType(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC)
	id := TaskID(42, at, TypeSearchIndex)
	if id != TaskID(42, at.In(time.FixedZone("x", 3600)), TypeSearchIndex) {
		t.Error("TaskID depends on the time zone")
	}
	for _, other := range []string{TaskID(43, at, TypeSearchIndex), TaskID(42, at, TypeSearchDelete), TaskID(42, at.Add(time.Microsecond), TypeSearchIndex)} {
		if other == id {
			t.Errorf("TaskID collision: %s", id)
		}
	}
}

// A task whose payload does not decode is archived at once, not retried.
func TestUndecodablePayloadIsNotRetried(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.runWorker(t, b.redis.Opt())
	c := newClient(t, b.redis.Opt())
	if _, err := c.Enqueue(asynq.NewTask(TypeSearchIndex, []byte("not json")), asynq.Queue(QueueFor(TypeSearchIndex))); err != nil {
		t.Fatal(err)
	}
	completed, archived := b.waitQuiet(t)
	if completed != 0 || archived != 1 {
		t.Fatalf("%d completed, %d archived; want 0, 1", completed, archived)
	}
	in := asynq.NewInspector(b.redis.Opt())
	defer in.Close()
	tasks, err := in.ListArchivedTasks(QueueFor(TypeSearchIndex))
	if err != nil || len(tasks) != 1 {
		t.Fatalf("archived tasks = %v, %v", tasks, err)
	}
	if tasks[0].Retried != 0 {
		t.Errorf("undecodable task retried %d times, want 0", tasks[0].Retried)
	}
}

func TestRetryDelayDoublesWithJitterAndIsCapped(t *testing.T) {
	t.Parallel()
	base := 10 * time.Second
	for n, want := range map[int]time.Duration{0: base, 1: 2 * base, 3: 8 * base, 20: time.Hour, 64: time.Hour} {
		for range 50 {
			if got := retryDelay(base, n); got < want-want/10 || got > want+want/10 {
				t.Fatalf("retryDelay(%s, %d) = %s, want %s ± 10%%", base, n, got, want)
			}
		}
	}
}
