package jobs

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
)

// Event is what every task started by the relay carries besides its outbox row's own payload: the
// row it came from. Embed it in a task's payload type:
//
//	type indexPayload struct {
//		jobs.Event
//		PostID uuid.UUID `json:"post_id"`
//	}
type Event struct {
	OutboxID int64     `json:"outbox_id"`
	OrgID    uuid.UUID `json:"org_id"`
	Topic    string    `json:"topic"`
	// Traceparent is the trace of the request that wrote the row (the worker continues it).
	Traceparent string `json:"traceparent,omitempty"`
}

// DecodePayload decodes t's JSON payload into a T. A payload that does not decode will not decode
// on a retry either, so the error wraps asynq.SkipRetry: the task is archived at once (and stays
// visible in the queue dashboard) instead of being retried for days.
func DecodePayload[T any](t *asynq.Task) (T, error) {
	var v T
	if err := json.Unmarshal(t.Payload(), &v); err != nil {
		return v, fmt.Errorf("decode %s payload: %v: %w", t.Type(), err, asynq.SkipRetry)
	}
	return v, nil
}

// Schedule is what an outbox payload may say about the task it starts. Embed it in the payload
// written with Enqueue:
//   - TaskKey names the task instead of the outbox row: the task id is "<type>:<key>". Use it when
//     the task stands for a thing (a publish job, a notification) whose id must stay taken whatever
//     row asks for it, so that two rows for one thing run it once.
//   - ProcessAt delays the task until then (asynq holds it as scheduled).
type Schedule struct {
	TaskKey   string    `json:"task_key,omitempty"`
	ProcessAt time.Time `json:"process_at,omitzero"`
}

// taskPayload is the payload of a task started for an outbox row: the row's payload with outbox_id,
// org_id, topic and traceparent added (they win over payload keys of the same name), and the row's Schedule. A
// payload that is not a JSON object is kept under "payload".
func taskPayload(row outboxRow) ([]byte, Schedule, error) {
	var sched Schedule
	fields := map[string]json.RawMessage{}
	if err := json.Unmarshal(row.Payload, &fields); err != nil || fields == nil {
		fields = map[string]json.RawMessage{"payload": row.Payload}
	} else if err := json.Unmarshal(row.Payload, &sched); err != nil {
		return nil, sched, fmt.Errorf("task_key/process_at: %w", err)
	}
	var err error
	set := func(key string, v any) {
		if err == nil {
			fields[key], err = json.Marshal(v)
		}
	}
	set("outbox_id", row.ID)
	set("org_id", row.OrgID)
	set("topic", row.Topic)
	if row.Trace != "" {
		set("traceparent", row.Trace)
	}
	if err != nil {
		return nil, sched, err
	}
	b, err := json.Marshal(fields)
	return b, sched, err
}
