package publish

import (
	"context"

	"clearpost/internal/jobs"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
)

// SchedulePlanned turns a post's publication plan into publish jobs for its approved version: one
// per planned channel, SCHEDULED at the planned time (now, if it has passed) or AWAITING_RELEASE
// for a manual release, each with an outbox row that starts its task. A job of this version that
// has not gone out is rescheduled (its generation, and so its task id, moves on; the old task finds
// itself stale and does nothing); jobs for channels no longer planned are canceled; jobs already
// publishing or published are left alone. Without an approved review or a plan it does nothing.
//
// It runs in the transaction that approves the post (app hangs it on the review's approval hook)
// and in the one that changes the plan of an approved post (Service.Schedule), so both follow one
// path.
func SchedulePlanned(ctx context.Context, db postgres.Execer, postID uuid.UUID) error {
	_, err := db.Exec(ctx, `WITH r AS (
			SELECT version_id, content_hash FROM reviews WHERE post_id = $1 AND status = 'APPROVED'),
		plan AS (SELECT * FROM publication_plans WHERE post_id = $1),
		dropped AS (
			UPDATE publish_jobs j SET status = 'CANCELED', cancel_reason = 'no longer planned', updated_at = now()
			FROM r WHERE j.post_id = $1 AND j.version_id = r.version_id AND j.status IN ('AWAITING_RELEASE', 'SCHEDULED')
				AND NOT j.channel_id = ANY(coalesce((SELECT channel_ids FROM plan), '{}'))
			RETURNING j.id),
		upserted AS (
			INSERT INTO publish_jobs AS j (org_id, post_id, version_id, content_hash, channel_id, status, run_at)
			SELECT plan.org_id, plan.post_id, r.version_id, r.content_hash, c.id,
				CASE WHEN plan.publish_at IS NULL THEN 'AWAITING_RELEASE' ELSE 'SCHEDULED' END,
				CASE WHEN plan.publish_at IS NULL THEN NULL ELSE greatest(plan.publish_at, now()) END
			FROM plan, r, channels c WHERE c.id = ANY(plan.channel_ids) AND c.org_id = plan.org_id
			ON CONFLICT (version_id, channel_id) DO UPDATE SET status = excluded.status, run_at = excluded.run_at,
				generation = j.generation + 1, cancel_reason = '', last_error = '', updated_at = now()
			WHERE j.status IN ('AWAITING_RELEASE', 'SCHEDULED', 'CANCELED', 'FAILED')
			RETURNING j.id, j.org_id, j.post_id, j.status, j.run_at, j.generation),
		due AS (
			INSERT INTO outbox (org_id, topic, payload, trace_context)
			SELECT org_id, '`+jobs.TopicPublishDue+`', jsonb_build_object('job_id', id, 'post_id', post_id, 'generation', generation,
				'task_key', id::text || '.' || generation, 'process_at', run_at), $2
			FROM upserted WHERE status = 'SCHEDULED'
			RETURNING 1)
		INSERT INTO outbox (org_id, topic, payload, trace_context)
		SELECT plan.org_id, '`+jobs.TopicPostScheduled+`', jsonb_build_object('post_id', plan.post_id, 'publish_at', plan.publish_at,
			'time_zone', plan.time_zone, 'channel_ids', plan.channel_ids), $2
		FROM plan WHERE EXISTS (SELECT 1 FROM upserted WHERE status = 'SCHEDULED')`, postID, jobs.TraceContext(ctx))
	return err
}
