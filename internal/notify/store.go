package notify

import (
	"context"
	"fmt"
	"time"

	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// The SQL of notifications, their deliveries, preferences and settings, of what they read of
// reviews, posts and users, and of the review SLA, and the small functions that run it.

const notificationColumns = `id, org_id, user_id, kind, post_id, title, body, link, created_at, read_at`

func scanNotification(row pgx.Row) (*Notification, error) {
	var n Notification
	if err := row.Scan(&n.ID, &n.OrgID, &n.UserID, &n.Kind, &n.PostID, &n.Title, &n.Body, &n.Link, &n.CreatedAt, &n.ReadAt); err != nil {
		return nil, err
	}
	return &n, nil
}

func collectNotifications(rows pgx.Rows, err error) ([]*Notification, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Notification, error) { return scanNotification(r) })
}

// listNotifications reads up to n of user's in-app notifications in org before cur, newest first
// (only the unread ones when unreadOnly).
func listNotifications(ctx context.Context, db postgres.DB, org, user uuid.UUID, unreadOnly bool, cur Cursor, n int) ([]*Notification, error) {
	return collectNotifications(db.Query(ctx, `SELECT `+notificationColumns+` FROM notifications
		WHERE user_id = $1 AND org_id = $2 AND in_app AND (NOT $3 OR read_at IS NULL)
		  AND (created_at, id) < ($4, $5)
		ORDER BY created_at DESC, id DESC
		LIMIT $6`, user, org, unreadOnly, cur.CreatedAt, cur.ID, n))
}

func getNotification(ctx context.Context, db postgres.DB, org, user, id uuid.UUID) (*Notification, error) {
	return scanNotification(db.QueryRow(ctx, `SELECT `+notificationColumns+` FROM notifications
		WHERE id = $1 AND user_id = $2 AND org_id = $3 AND in_app`, id, user, org))
}

// inAppNotification reads in-app notification id, whoever's it is.
func inAppNotification(ctx context.Context, db postgres.DB, id uuid.UUID) (*Notification, error) {
	return scanNotification(db.QueryRow(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE id = $1 AND in_app`, id))
}

// notificationsSince reads up to n in-app notifications of users created after since, oldest first.
func notificationsSince(ctx context.Context, db postgres.DB, users []uuid.UUID, since time.Time, n int) ([]*Notification, error) {
	return collectNotifications(db.Query(ctx, `SELECT `+notificationColumns+` FROM notifications
		WHERE user_id = ANY($1) AND in_app AND created_at > $2
		ORDER BY created_at, id LIMIT $3`, users, since, n))
}

func countUnread(ctx context.Context, db postgres.DB, org, user uuid.UUID) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM notifications
		WHERE user_id = $1 AND org_id = $2 AND in_app AND read_at IS NULL`, user, org).Scan(&n)
	return n, err
}

// markRead marks those of ids that are user's unread notifications read, and returns how many.
func markRead(ctx context.Context, db postgres.DB, org, user uuid.UUID, ids []uuid.UUID) (int, error) {
	tag, err := db.Exec(ctx, `UPDATE notifications SET read_at = now()
		WHERE id = ANY($1) AND user_id = $2 AND org_id = $3 AND in_app AND read_at IS NULL`, ids, user, org)
	return int(tag.RowsAffected()), err
}

// markAllRead marks every unread notification of user read, and returns how many.
func markAllRead(ctx context.Context, db postgres.DB, org, user uuid.UUID) (int, error) {
	tag, err := db.Exec(ctx, `UPDATE notifications SET read_at = now()
		WHERE user_id = $1 AND org_id = $2 AND in_app AND read_at IS NULL`, user, org)
	return int(tag.RowsAffected()), err
}

// userDeliveries reads the deliveries of those of ids that are user's notifications.
func userDeliveries(ctx context.Context, db postgres.DB, org, user uuid.UUID, ids []uuid.UUID) ([]Delivery, error) {
	rows, err := db.Query(ctx, `SELECT d.notification_id, d.channel, d.status, d.attempts, d.last_error, d.updated_at, d.sent_at
		FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
		WHERE d.notification_id = ANY($1) AND n.user_id = $2 AND n.org_id = $3
		ORDER BY d.notification_id, d.channel`, ids, user, org)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Delivery, error) {
		var d Delivery
		return d, r.Scan(&d.NotificationID, &d.Channel, &d.Status, &d.Attempts, &d.LastError, &d.UpdatedAt, &d.SentAt)
	})
}

// created is a notification create made: its id and user.
type created struct{ id, user uuid.UUID }

// insertNotifications inserts d for each of users (inApp says whether it shows in the app), except
// users who already have a notification with d's key.
func insertNotifications(ctx context.Context, tx pgx.Tx, org uuid.UUID, users []uuid.UUID, inApp []bool, d draft, postID *uuid.UUID, title, body string) ([]created, error) {
	rows, err := tx.Query(ctx, `INSERT INTO notifications (org_id, user_id, kind, event_key, post_id, title, body, link, in_app)
		SELECT $1, u.id, $4, $5, $6, $7, $8, $9, u.in_app FROM unnest($2::uuid[], $3::boolean[]) AS u(id, in_app)
		ORDER BY u.id
		ON CONFLICT (user_id, event_key) DO NOTHING
		RETURNING id, user_id`,
		org, users, inApp, d.kind, d.key, postID, title, body, d.link)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (created, error) {
		var c created
		return c, r.Scan(&c.id, &c.user)
	})
}

func insertDelivery(ctx context.Context, w postgres.Execer, org, notification uuid.UUID, ch Channel) error {
	_, err := w.Exec(ctx, `INSERT INTO notification_deliveries (notification_id, channel, org_id) VALUES ($1, $2, $3)`,
		notification, ch, org)
	return err
}

// slackConfigured reports whether org has a Slack webhook.
func slackConfigured(ctx context.Context, db postgres.DB, org uuid.UUID) (bool, error) {
	var set bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM notification_settings WHERE org_id = $1 AND slack_webhook IS NOT NULL)`, org).Scan(&set)
	return set, err
}

// recipientRow is a user and their stored preferences (nil channels: none stored).
type recipientRow struct {
	id    uuid.UUID
	prefs storedPreferences
	kinds []byte
}

// activeUsers reads those of users who are active in org, with their preferences, by id.
func activeUsers(ctx context.Context, db postgres.DB, org uuid.UUID, users []uuid.UUID) ([]recipientRow, error) {
	rows, err := db.Query(ctx, `SELECT u.id, p.channels, p.kinds FROM users u
		LEFT JOIN notification_preferences p ON p.user_id = u.id
		WHERE u.org_id = $1 AND u.id = ANY($2) AND u.active
		ORDER BY u.id`, org, users)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (recipientRow, error) {
		var u recipientRow
		return u, r.Scan(&u.id, &u.prefs.Channels, &u.kinds)
	})
}

// getPreferences reads user's stored preferences.
func getPreferences(ctx context.Context, db postgres.DB, org, user uuid.UUID) (storedPreferences, error) {
	var sp storedPreferences
	err := db.QueryRow(ctx, `SELECT channels, kinds FROM notification_preferences WHERE user_id = $1 AND org_id = $2`,
		user, org).Scan(&sp.Channels, &sp.Kinds)
	return sp, err
}

func upsertPreferences(ctx context.Context, tx pgx.Tx, org, user uuid.UUID, channels []Channel, kinds []byte) error {
	_, err := tx.Exec(ctx, `INSERT INTO notification_preferences (user_id, org_id, channels, kinds) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id) DO UPDATE SET channels = EXCLUDED.channels, kinds = EXCLUDED.kinds, updated_at = now()`,
		user, org, channels, kinds)
	return postgres.MapError(err)
}

// loadDelivery reads notification id's delivery on ch with what its message needs. A delivery
// that is not there is an error of no rows (postgres.NoRows).
func loadDelivery(ctx context.Context, db postgres.DB, org, id uuid.UUID, ch Channel) (*pendingDelivery, error) {
	d := pendingDelivery{notificationID: id, org: org, channel: ch}
	err := db.QueryRow(ctx, `SELECT d.status, d.attempts, u.email, u.name, u.active, n.title, n.body, n.link
		FROM notification_deliveries d
		JOIN notifications n ON n.id = d.notification_id
		JOIN users u ON u.id = n.user_id
		WHERE d.notification_id = $1 AND d.channel = $2 AND n.org_id = $3`, id, ch, org).
		Scan(&d.status, &d.attempts, &d.userEmail, &d.userName, &d.userActive, &d.title, &d.body, &d.link)
	if err != nil {
		if postgres.NoRows(err) {
			return nil, err
		}
		return nil, fmt.Errorf("load delivery %s by %s: %w", id, ch, err)
	}
	return &d, nil
}

// settleDelivery records the outcome of an attempt at a PENDING delivery.
func settleDelivery(ctx context.Context, db postgres.DB, d *pendingDelivery, status DeliveryStatus, reason string, attempted bool) error {
	_, err := db.Exec(ctx, `UPDATE notification_deliveries SET status = $3, last_error = $4, updated_at = now(),
			attempts = attempts + CASE WHEN $5 THEN 1 ELSE 0 END,
			sent_at = CASE WHEN $3 = 'SENT' THEN now() END
		WHERE notification_id = $1 AND channel = $2 AND status = 'PENDING'`,
		d.notificationID, d.channel, status, reason, attempted)
	return err
}

// lockSlackSet reports whether org has a Slack webhook, locking its settings row for the rest of
// the transaction; an organization without settings has none.
func lockSlackSet(ctx context.Context, tx pgx.Tx, org uuid.UUID) (bool, error) {
	var set bool
	err := tx.QueryRow(ctx, `SELECT slack_webhook IS NOT NULL FROM notification_settings WHERE org_id = $1 FOR UPDATE`, org).Scan(&set)
	if postgres.NoRows(err) {
		return false, nil
	}
	return set, err
}

// slackSet reports whether org has a Slack webhook; an organization without settings has none.
func slackSet(ctx context.Context, db postgres.DB, org uuid.UUID) (bool, error) {
	var set bool
	err := db.QueryRow(ctx, `SELECT slack_webhook IS NOT NULL FROM notification_settings WHERE org_id = $1`, org).Scan(&set)
	if postgres.NoRows(err) {
		return false, nil
	}
	return set, err
}

func setSlackWebhook(ctx context.Context, tx pgx.Tx, org, by uuid.UUID, sealed []byte) error {
	_, err := tx.Exec(ctx, `INSERT INTO notification_settings (org_id, slack_webhook, updated_by) VALUES ($1, $2, $3)
		ON CONFLICT (org_id) DO UPDATE SET slack_webhook = EXCLUDED.slack_webhook, updated_by = EXCLUDED.updated_by, updated_at = now()`,
		org, sealed, by)
	return err
}

// sealedSlackWebhook returns org's sealed webhook URL, or nil when it has none.
func sealedSlackWebhook(ctx context.Context, db postgres.DB, org uuid.UUID) ([]byte, error) {
	var sealed []byte
	err := db.QueryRow(ctx, `SELECT slack_webhook FROM notification_settings WHERE org_id = $1`, org).Scan(&sealed)
	if postgres.NoRows(err) {
		return nil, nil
	}
	return sealed, err
}

// listenNotifications is the LISTEN of the hub's connection.
const listenNotifications = `LISTEN ` + NotifyChannel

func listen(ctx context.Context, conn *pgx.Conn) error {
	_, err := conn.Exec(ctx, listenNotifications)
	return err
}

// dbNow returns the database's clock (the start of its transaction).
func dbNow(ctx context.Context, conn *pgx.Conn) (time.Time, error) {
	var now time.Time
	err := conn.QueryRow(ctx, `SELECT now()`).Scan(&now)
	return now, err
}

// What notifications read of reviews, posts and users, and the review SLA.

// loadReview reads review id of org. A review of another organization is an error of no rows
// (postgres.NoRows).
func loadReview(ctx context.Context, db postgres.DB, org, id uuid.UUID) (*reviewInfo, error) {
	const q = `SELECT r.id, r.org_id, r.post_id, r.status, r.current_stage, r.stage_started_at, r.plan, p.title, p.author_id, v.author_id
		FROM reviews r JOIN posts p ON p.id = r.post_id JOIN post_versions v ON v.id = r.version_id
		WHERE r.org_id = $1 AND r.id = $2`
	var r reviewInfo
	var author, versionAuthor uuid.UUID
	err := db.QueryRow(ctx, q, org, id).Scan(&r.id, &r.org, &r.postID, &r.status, &r.stage, &r.stageStartedAt, &r.plan,
		&r.postTitle, &author, &versionAuthor)
	if err != nil {
		if postgres.NoRows(err) {
			return nil, err
		}
		return nil, fmt.Errorf("load review %s: %w", id, err)
	}
	r.authors = uniqueIDs([]uuid.UUID{author, versionAuthor})
	return &r, nil
}

// awaited returns the reviewers still awaited at stage n of r: active REVIEWER users of a group of
// the stage that has not cleared, who have not decided at this stage and are not the post's
// authors; and the names of those groups.
func awaited(ctx context.Context, db postgres.DB, r *reviewInfo, n int) ([]uuid.UUID, []string, error) {
	rows, err := db.Query(ctx, `SELECT u.id FROM users u
		WHERE u.org_id = $1 AND u.active AND 'REVIEWER' = ANY(u.claim_roles || u.roles) AND u.id <> ALL($4)
		  AND EXISTS (SELECT 1 FROM review_groups g WHERE g.review_id = $2 AND g.stage = $3 AND g.cleared_at IS NULL
			AND g.group_name = ANY(u.claim_groups || u.groups))
		  AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.review_id = $2 AND d.stage = $3 AND d.reviewer_id = u.id)
		ORDER BY u.id`, r.org, r.id, n, r.authors)
	if err != nil {
		return nil, nil, fmt.Errorf("awaited reviewers: %w", err)
	}
	users, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, nil, fmt.Errorf("awaited reviewers: %w", err)
	}
	rows, err = db.Query(ctx, `SELECT group_name FROM review_groups WHERE review_id = $1 AND stage = $2 AND cleared_at IS NULL
		ORDER BY group_name`, r.id, n)
	if err != nil {
		return nil, nil, fmt.Errorf("awaited groups: %w", err)
	}
	groups, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, nil, fmt.Errorf("awaited groups: %w", err)
	}
	return users, groups, nil
}

// groupMembers returns the active users of org in group, whatever their roles, except those
// listed.
func groupMembers(ctx context.Context, db postgres.DB, org uuid.UUID, group string, except []uuid.UUID) ([]uuid.UUID, error) {
	rows, err := db.Query(ctx, `SELECT id FROM users
		WHERE org_id = $1 AND active AND $2 = ANY(claim_groups || groups) AND id <> ALL($3) ORDER BY id`, org, group, except)
	if err != nil {
		return nil, fmt.Errorf("members of group %s: %w", group, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// roleMembers returns the active users of org holding role.
func roleMembers(ctx context.Context, db postgres.DB, org uuid.UUID, role string) ([]uuid.UUID, error) {
	rows, err := db.Query(ctx, `SELECT id FROM users WHERE org_id = $1 AND active AND $2 = ANY(claim_roles || roles) ORDER BY id`, org, role)
	if err != nil {
		return nil, fmt.Errorf("users with role %s: %w", role, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// decisionInfo is a decision as its notification tells it.
type decisionInfo struct {
	kind, comment, reviewer string
	stage                   int
	reviewID, postID        uuid.UUID
	postTitle               string
	author                  uuid.UUID
}

// loadDecision reads decision id of org with its reviewer's name and its post.
func loadDecision(ctx context.Context, tx pgx.Tx, org, id uuid.UUID) (*decisionInfo, error) {
	var d decisionInfo
	err := tx.QueryRow(ctx, `SELECT d.kind, d.comment, d.stage, d.review_id, coalesce(nullif(u.name, ''), u.email), p.id, p.title, p.author_id
		FROM decisions d JOIN users u ON u.id = d.reviewer_id JOIN posts p ON p.id = d.post_id
		WHERE d.org_id = $1 AND d.id = $2`, org, id).
		Scan(&d.kind, &d.comment, &d.stage, &d.reviewID, &d.reviewer, &d.postID, &d.postTitle, &d.author)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// postTitleAuthor reads the title and author of post id of org.
func postTitleAuthor(ctx context.Context, tx pgx.Tx, org, id uuid.UUID) (string, uuid.UUID, error) {
	var title string
	var author uuid.UUID
	err := tx.QueryRow(ctx, `SELECT title, author_id FROM posts WHERE org_id = $1 AND id = $2`, org, id).Scan(&title, &author)
	return title, author, err
}

// reviewPlan reads the plan (raw), submission time and post of review id of org.
func reviewPlan(ctx context.Context, tx pgx.Tx, org, id uuid.UUID) (raw []byte, at time.Time, postID uuid.UUID, err error) {
	err = tx.QueryRow(ctx, `SELECT plan, submitted_at, post_id FROM reviews WHERE org_id = $1 AND id = $2`, org, id).
		Scan(&raw, &at, &postID)
	return raw, at, postID, err
}

// slaCandidates lists the open reviews whose current stage's reminder is due at now and which
// have something left to fire.
func slaCandidates(ctx context.Context, db postgres.DB, now time.Time) ([]slaCandidate, error) {
	rows, err := db.Query(ctx, `WITH open AS (
			SELECT r.id, r.org_id, r.post_id, r.current_stage, r.stage_started_at,
				(r.plan->'stages'->(r.current_stage - 1)->>'sla')::numeric::bigint AS sla_ns,
				coalesce(r.plan->'stages'->(r.current_stage - 1)->>'escalate_to', '') AS escalate_to
			FROM reviews r
			WHERE r.status = 'IN_REVIEW' AND jsonb_typeof(r.plan->'stages'->(r.current_stage - 1)->'sla') = 'number'),
		due AS (
			SELECT o.*,
				EXISTS (SELECT 1 FROM review_sla_events e WHERE e.review_id = o.id AND e.stage = o.current_stage AND e.kind = 'REMIND') AS reminded,
				EXISTS (SELECT 1 FROM review_sla_events e WHERE e.review_id = o.id AND e.stage = o.current_stage AND e.kind = 'ESCALATE') AS escalated
			FROM open o
			WHERE o.sla_ns > 0
			  AND o.stage_started_at + make_interval(secs => o.sla_ns / 1e9)
				- least(interval '1 hour', make_interval(secs => o.sla_ns / 4e9)) <= $1)
		SELECT id, org_id, post_id, current_stage, stage_started_at, sla_ns, escalate_to, reminded, escalated
		FROM due
		WHERE NOT reminded OR (NOT escalated AND escalate_to <> '')
		ORDER BY stage_started_at, id`, now)
	if err != nil {
		return nil, fmt.Errorf("open reviews with an SLA: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (slaCandidate, error) {
		var c slaCandidate
		var ns int64
		err := r.Scan(&c.review, &c.org, &c.post, &c.stage, &c.started, &ns, &c.escalateTo, &c.reminded, &c.escalated)
		c.sla = time.Duration(ns)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("open reviews with an SLA: %w", err)
	}
	return list, nil
}

// lockPost locks post id of org for the rest of the transaction.
func lockPost(ctx context.Context, tx pgx.Tx, org, id uuid.UUID) error {
	_, err := tx.Exec(ctx, `SELECT 1 FROM posts WHERE org_id = $1 AND id = $2 FOR UPDATE`, org, id)
	return err
}

// insertSLAEvent records that kind fired for r's current stage, and reports false when it had
// fired already.
func insertSLAEvent(ctx context.Context, tx pgx.Tx, r *reviewInfo, kind slaEvent, deadline time.Time) (bool, error) {
	tag, err := tx.Exec(ctx, `INSERT INTO review_sla_events (review_id, stage, kind, org_id, due_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (review_id, stage, kind) DO NOTHING`, r.id, r.stage, kind, r.org, deadline)
	return tag.RowsAffected() > 0, err
}

// setSLARecipients records how many were told of kind at r's current stage.
func setSLARecipients(ctx context.Context, tx pgx.Tx, r *reviewInfo, kind slaEvent, n int) error {
	_, err := tx.Exec(ctx, `UPDATE review_sla_events SET recipients = $4 WHERE review_id = $1 AND stage = $2 AND kind = $3`,
		r.id, r.stage, kind, n)
	return err
}
