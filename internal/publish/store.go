package publish

import (
	"context"
	"fmt"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/content"
	"clearpost/internal/jobs"
	"clearpost/internal/postgres"
	"clearpost/internal/publish/platform"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Publishing's SQL, and the small functions that run it.

const channelColumns = `id, org_id, platform, name, enabled, revision, credentials, created_by, created_at, updated_at`

// scanChannel reads a row of channelColumns and opens its credentials.
func (s *Service) scanChannel(row pgx.Row) (*Channel, Credentials, error) {
	var c Channel
	var sealed []byte
	if err := row.Scan(&c.ID, &c.OrgID, &c.Platform, &c.Name, &c.Enabled, &c.Revision, &sealed, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return nil, nil, err
	}
	return s.withCredentials(&c, sealed)
}

// collectChannels reads rows of channelColumns.
func (s *Service) collectChannels(rows pgx.Rows) ([]*Channel, error) {
	defer rows.Close()
	var out []*Channel
	for rows.Next() {
		ch, _, err := s.scanChannel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ch)
	}
	return out, rows.Err()
}

func (s *Service) insertChannel(ctx context.Context, tx pgx.Tx, org, id, by uuid.UUID, platformName, name string, sealed []byte) (*Channel, error) {
	ch, _, err := s.scanChannel(tx.QueryRow(ctx, `INSERT INTO channels (id, org_id, platform, name, credentials, created_by)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+channelColumns, id, org, platformName, name, sealed, by))
	return ch, err
}

// lockChannel reads channel id of org and its credentials, locked for the rest of the transaction.
func (s *Service) lockChannel(ctx context.Context, tx pgx.Tx, org, id uuid.UUID) (*Channel, Credentials, error) {
	ch, creds, err := s.scanChannel(tx.QueryRow(ctx, `SELECT `+channelColumns+` FROM channels WHERE org_id = $1 AND id = $2 FOR UPDATE`, org, id))
	if postgres.NoRows(err) {
		return nil, nil, apperr.NotFoundf("channel %s not found", id)
	}
	return ch, creds, err
}

func (s *Service) updateChannel(ctx context.Context, tx pgx.Tx, org, id uuid.UUID, name string, enabled bool, sealed []byte) (*Channel, error) {
	ch, _, err := s.scanChannel(tx.QueryRow(ctx, `UPDATE channels SET name = $3, enabled = $4, credentials = $5,
			revision = revision + 1, updated_at = now()
		WHERE org_id = $1 AND id = $2 RETURNING `+channelColumns, org, id, name, enabled, sealed))
	return ch, err
}

func (s *Service) listChannels(ctx context.Context, org uuid.UUID) ([]*Channel, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+channelColumns+` FROM channels WHERE org_id = $1 ORDER BY enabled DESC, lower(name), id`, org)
	if err != nil {
		return nil, fmt.Errorf("list channels: %w", err)
	}
	return s.collectChannels(rows)
}

func (s *Service) channelsIn(ctx context.Context, org uuid.UUID, ids []uuid.UUID) ([]*Channel, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+channelColumns+` FROM channels WHERE org_id = $1 AND id = ANY($2)`, org, ids)
	if err != nil {
		return nil, err
	}
	return s.collectChannels(rows)
}

// sealedCredentials are a channel's credentials as stored.
type sealedCredentials struct {
	id  uuid.UUID
	box []byte
}

// lockAllCredentials reads every channel's sealed credentials, locked for the rest of the
// transaction, keeping those keep accepts.
func lockAllCredentials(ctx context.Context, tx pgx.Tx, keep func(box []byte) bool) ([]sealedCredentials, error) {
	rows, err := tx.Query(ctx, `SELECT id, credentials FROM channels FOR UPDATE`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sealedCredentials
	for rows.Next() {
		var r sealedCredentials
		if err := rows.Scan(&r.id, &r.box); err != nil {
			return nil, err
		}
		if keep(r.box) {
			out = append(out, r)
		}
	}
	return out, rows.Err()
}

func setCredentials(ctx context.Context, tx pgx.Tx, id uuid.UUID, box []byte) error {
	_, err := tx.Exec(ctx, `UPDATE channels SET credentials = $2 WHERE id = $1`, id, box)
	return err
}

// enabledChannels returns which of ids are enabled channels of org.
func enabledChannels(ctx context.Context, tx pgx.Tx, org uuid.UUID, ids []uuid.UUID) ([]uuid.UUID, error) {
	rows, err := tx.Query(ctx, `SELECT id FROM channels WHERE org_id = $1 AND id = ANY($2) AND enabled`, org, ids)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

const jobColumns = `id, org_id, post_id, version_id, content_hash, channel_id, status, run_at, generation, attempts,
	last_error, external_id, external_url, published_at, cancel_reason, created_at, updated_at`

func scanJob(row pgx.Row) (*Job, error) {
	var j Job
	err := row.Scan(&j.ID, &j.OrgID, &j.PostID, &j.VersionID, &j.ContentHash, &j.ChannelID, &j.Status, &j.RunAt, &j.Generation,
		&j.Attempts, &j.LastError, &j.ExternalID, &j.ExternalURL, &j.PublishedAt, &j.CancelReason, &j.CreatedAt, &j.UpdatedAt)
	return &j, err
}

// queryJobs runs a statement returning rows of jobColumns.
func queryJobs(ctx context.Context, db postgres.DB, sql string, args ...any) ([]*Job, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Job, error) { return scanJob(r) })
}

// jobsOfPosts returns the publish jobs of org's posts among posts, oldest first.
func jobsOfPosts(ctx context.Context, db postgres.DB, org uuid.UUID, posts []uuid.UUID) ([]*Job, error) {
	return queryJobs(ctx, db, `SELECT `+jobColumns+` FROM publish_jobs WHERE org_id = $1 AND post_id = ANY($2) ORDER BY created_at, id`, org, posts)
}

// cancelUnscheduled cancels a post's jobs that have not gone out.
func cancelUnscheduled(ctx context.Context, tx pgx.Tx, post uuid.UUID) ([]*Job, error) {
	return queryJobs(ctx, tx, `UPDATE publish_jobs SET status = 'CANCELED', cancel_reason = 'unscheduled', updated_at = now()
		WHERE post_id = $1 AND status IN ('AWAITING_RELEASE', 'SCHEDULED') RETURNING `+jobColumns, post)
}

// releaseAwaiting makes a post's jobs that wait for a manual release due now under a new generation.
func releaseAwaiting(ctx context.Context, tx pgx.Tx, post uuid.UUID) ([]*Job, error) {
	return queryJobs(ctx, tx, `UPDATE publish_jobs SET status = 'SCHEDULED', run_at = now(), generation = generation + 1,
			last_error = '', updated_at = now()
		WHERE post_id = $1 AND status = 'AWAITING_RELEASE' RETURNING `+jobColumns, post)
}

// retryFailed makes a FAILED job due now under a new generation.
func retryFailed(ctx context.Context, tx pgx.Tx, job uuid.UUID) ([]*Job, error) {
	return queryJobs(ctx, tx, `UPDATE publish_jobs SET status = 'SCHEDULED', run_at = now(), generation = generation + 1,
			last_error = '', updated_at = now()
		WHERE id = $1 AND status = 'FAILED' RETURNING `+jobColumns, job)
}

// jobPostStatus returns the post and status of job id of org.
func jobPostStatus(ctx context.Context, tx pgx.Tx, org, id uuid.UUID) (uuid.UUID, JobStatus, error) {
	var postID uuid.UUID
	var status JobStatus
	err := tx.QueryRow(ctx, `SELECT post_id, status FROM publish_jobs WHERE org_id = $1 AND id = $2`, org, id).Scan(&postID, &status)
	if postgres.NoRows(err) {
		return uuid.Nil, "", apperr.NotFoundf("publish job %s not found", id)
	}
	return postID, status, err
}

// lockPost locks an organization's post and returns its state.
func lockPost(ctx context.Context, tx pgx.Tx, org, id uuid.UUID) (content.State, error) {
	var state content.State
	err := tx.QueryRow(ctx, `SELECT state FROM posts WHERE org_id = $1 AND id = $2 FOR UPDATE`, org, id).Scan(&state)
	if postgres.NoRows(err) {
		return "", apperr.NotFoundf("post %s not found", id)
	}
	return state, err
}

// planOf returns post's publication plan, or nil.
func planOf(ctx context.Context, db postgres.DB, org, post uuid.UUID) (*Plan, error) {
	rows, err := db.Query(ctx, `SELECT post_id, channel_ids, publish_at, time_zone, updated_at FROM publication_plans
		WHERE org_id = $1 AND post_id = $2`, org, post)
	if err != nil {
		return nil, err
	}
	plans, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Plan, error) {
		var pl Plan
		return &pl, r.Scan(&pl.PostID, &pl.ChannelIDs, &pl.PublishAt, &pl.TimeZone, &pl.UpdatedAt)
	})
	if err != nil || len(plans) == 0 {
		return nil, err
	}
	return plans[0], nil
}

// upsertPlan stores plan for org by user, and returns when it was stored.
func upsertPlan(ctx context.Context, tx pgx.Tx, org, by uuid.UUID, plan *Plan) (time.Time, error) {
	var updatedAt time.Time
	err := tx.QueryRow(ctx, `INSERT INTO publication_plans (post_id, org_id, channel_ids, publish_at, time_zone, created_by)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (post_id) DO UPDATE SET channel_ids = excluded.channel_ids, publish_at = excluded.publish_at,
				time_zone = excluded.time_zone, created_by = excluded.created_by, updated_at = now()
			RETURNING updated_at`,
		plan.PostID, org, plan.ChannelIDs, plan.PublishAt, plan.TimeZone, by).Scan(&updatedAt)
	return updatedAt, err
}

// deletePlan drops a post's publication plan and reports whether it had one.
func deletePlan(ctx context.Context, tx pgx.Tx, post uuid.UUID) (bool, error) {
	tag, err := tx.Exec(ctx, `DELETE FROM publication_plans WHERE post_id = $1`, post)
	return tag.RowsAffected() > 0, err
}

// releaseQueue reads the posts waiting for a manual release, longest waiting first, after
// (since, afterPost).
func releaseQueue(ctx context.Context, db postgres.DB, org uuid.UUID, since time.Time, afterPost uuid.UUID, limit int) ([]*Waiting, error) {
	rows, err := db.Query(ctx, `SELECT post_id, array_agg(channel_id ORDER BY channel_id), min(created_at) AS since
		FROM publish_jobs WHERE org_id = $1 AND status = 'AWAITING_RELEASE'
		GROUP BY post_id
		HAVING (min(created_at), post_id) > ($2, $3)
		ORDER BY since, post_id LIMIT $4`, org, since, afterPost, limit)
	if err != nil {
		return nil, fmt.Errorf("release queue: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Waiting, error) {
		var w Waiting
		return &w, r.Scan(&w.PostID, &w.ChannelIDs, &w.Since)
	})
}

// schedulePlanned is SchedulePlanned's statement.
const schedulePlanned = `WITH r AS (
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
			SELECT org_id, '` + jobs.TopicPublishDue + `', jsonb_build_object('job_id', id, 'post_id', post_id, 'generation', generation,
				'task_key', id::text || '.' || generation, 'process_at', run_at), $2
			FROM upserted WHERE status = 'SCHEDULED'
			RETURNING 1)
		INSERT INTO outbox (org_id, topic, payload, trace_context)
		SELECT plan.org_id, '` + jobs.TopicPostScheduled + `', jsonb_build_object('post_id', plan.post_id, 'publish_at', plan.publish_at,
			'time_zone', plan.time_zone, 'channel_ids', plan.channel_ids), $2
		FROM plan WHERE EXISTS (SELECT 1 FROM upserted WHERE status = 'SCHEDULED')`

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
	_, err := db.Exec(ctx, schedulePlanned, postID, jobs.TraceContext(ctx))
	return err
}

// claimed is what claiming a job reads: the job, what it was before, its post and version, the
// approved content hash and its channel.
type claimed struct {
	job           Job
	oldStatus     JobStatus
	previousStart *time.Time
	state         content.State
	current       int
	number        int
	raw           []byte
	approvedHash  *string
	platformName  string
	channelName   string
	enabled       bool
	sealed        []byte
}

// claimJob marks the attempt at p's job started and reads what it needs, in one statement. It
// returns nil when the task is stale (another generation) or the job is done.
func claimJob(ctx context.Context, db postgres.DB, p duePayload) (*claimed, error) {
	var c claimed
	j := &c.job
	err := db.QueryRow(ctx, `UPDATE publish_jobs j SET status = 'PUBLISHING', attempts = j.attempts + 1, started_at = now(), updated_at = now()
		FROM publish_jobs old, posts p, post_versions v, channels c
		WHERE j.id = $1 AND j.org_id = $2 AND j.generation = $3 AND j.status IN ('SCHEDULED', 'PUBLISHING')
			AND old.id = j.id AND p.id = j.post_id AND v.id = j.version_id AND c.id = j.channel_id
		RETURNING j.id, j.org_id, j.post_id, j.version_id, j.content_hash, j.channel_id, j.status, j.run_at, j.generation, j.attempts,
			j.last_error, j.external_id, j.external_url, j.published_at, j.cancel_reason, j.created_at, j.updated_at,
			old.status, old.started_at, p.state, p.current_version, v.number, v.content,
			(SELECT r.content_hash FROM reviews r WHERE r.post_id = p.id AND r.status = 'APPROVED'),
			c.platform, c.name, c.enabled, c.credentials`,
		p.JobID, p.OrgID, p.Generation).Scan(&j.ID, &j.OrgID, &j.PostID, &j.VersionID, &j.ContentHash, &j.ChannelID, &j.Status,
		&j.RunAt, &j.Generation, &j.Attempts, &j.LastError, &j.ExternalID, &j.ExternalURL, &j.PublishedAt, &j.CancelReason,
		&j.CreatedAt, &j.UpdatedAt, &c.oldStatus, &c.previousStart, &c.state, &c.current, &c.number, &c.raw, &c.approvedHash,
		&c.platformName, &c.channelName, &c.enabled, &c.sealed)
	if postgres.NoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// markPublished records r as job id's receipt and reports whether it did: a job no longer
// PUBLISHING (someone else recorded it) is left alone.
func markPublished(ctx context.Context, tx pgx.Tx, id uuid.UUID, r platform.Receipt) (bool, error) {
	var recorded bool
	err := tx.QueryRow(ctx, `UPDATE publish_jobs SET status = 'PUBLISHED', external_id = $2, external_url = $3, published_at = $4,
			last_error = '', updated_at = now()
		WHERE id = $1 AND status = 'PUBLISHING' RETURNING true`, id, r.ExternalID, r.URL, r.At).Scan(&recorded)
	if postgres.NoRows(err) {
		return false, nil
	}
	return recorded, err
}

// setAttemptFailed records a failed attempt at a PUBLISHING job that stays due with status.
func setAttemptFailed(ctx context.Context, db postgres.DB, id uuid.UUID, status JobStatus, lastError string) error {
	_, err := db.Exec(ctx, `UPDATE publish_jobs SET status = $2, last_error = $3, updated_at = now() WHERE id = $1 AND status = 'PUBLISHING'`,
		id, status, lastError)
	return err
}

// markFailed marks a job that has not gone out FAILED, and reports whether it did.
func markFailed(ctx context.Context, tx pgx.Tx, id uuid.UUID, reason string) (bool, error) {
	tag, err := tx.Exec(ctx, `UPDATE publish_jobs SET status = 'FAILED', last_error = $2, updated_at = now()
		WHERE id = $1 AND status IN ('SCHEDULED', 'PUBLISHING')`, id, reason)
	return tag.RowsAffected() > 0, err
}

// markCanceled cancels a job that has not gone out.
func markCanceled(ctx context.Context, tx pgx.Tx, id uuid.UUID, reason string) error {
	_, err := tx.Exec(ctx, `UPDATE publish_jobs SET status = 'CANCELED', cancel_reason = $2, updated_at = now() WHERE id = $1 AND status IN ('SCHEDULED', 'PUBLISHING')`, id, reason)
	return err
}
