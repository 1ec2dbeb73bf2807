package advocacy

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/audit"
	"clearpost/internal/auth"
	"clearpost/internal/content"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Sharing's SQL, and the small functions that run it.

const shareColumns = `id, org_id, user_id, post_id, version_id, content_hash, network, text, edited, status,
	status_reason, code, destination, campaign, schedule_at, approval_post_id, external_id, external_url,
	clicks, created_at, updated_at, shared_at, published_at`

func scanShare(row pgx.Row) (*Share, error) { return scanShareWith(row) }

// scanShareWith scans a share followed by extra columns.
func scanShareWith(row pgx.Row, extra ...any) (*Share, error) {
	var s Share
	var code *string
	err := row.Scan(append([]any{&s.ID, &s.OrgID, &s.UserID, &s.PostID, &s.VersionID, &s.ContentHash, &s.Network, &s.Text,
		&s.Edited, &s.Status, &s.StatusReason, &code, &s.Destination, &s.Campaign, &s.ScheduleAt, &s.ApprovalPostID,
		&s.ExternalID, &s.ExternalURL, &s.Clicks, &s.CreatedAt, &s.UpdatedAt, &s.SharedAt, &s.PublishedAt}, extra...)...)
	if err != nil {
		return nil, err
	}
	if code != nil {
		s.Code = *code
	}
	return &s, nil
}

func collectShares(rows pgx.Rows, err error) ([]*Share, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Share, error) { return scanShare(r) })
}

const (
	selectShare = `SELECT ` + shareColumns + ` FROM shares WHERE org_id = $1 AND id = $2`
	lockShare   = selectShare + ` FOR UPDATE`
)

// getShare reads a share of org.
func getShare(ctx context.Context, db postgres.DB, org, id uuid.UUID, forUpdate bool) (*Share, error) {
	q := selectShare
	if forUpdate {
		q = lockShare
	}
	s, err := scanShare(db.QueryRow(ctx, q, org, id))
	if postgres.NoRows(err) {
		return nil, apperr.NotFoundf("share %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get share %s: %w", id, err)
	}
	return s, nil
}

// setStatus moves a share to status with reason.
func setStatus(ctx context.Context, db postgres.Execer, s *Share, status Status, reason string) error {
	_, err := db.Exec(ctx, `UPDATE shares SET status = $2, status_reason = $3, claimed_until = NULL, updated_at = now(),
		shared_at = CASE WHEN $2 IN ('OPENED', 'PUBLISHED') THEN coalesce(shared_at, now()) END
		WHERE id = $1`, s.ID, status, reason)
	if err != nil {
		return fmt.Errorf("share %s to %s: %w", s.ID, status, err)
	}
	s.Status, s.StatusReason = status, reason
	return nil
}

// recordSystem writes an audit event of a change the workers made (no actor), on behalf of the
// share's employee.
func recordSystem(ctx context.Context, db postgres.Execer, s *Share, action string, details map[string]any) error {
	if details == nil {
		details = map[string]any{}
	}
	details["on_behalf_of"] = s.UserID
	details["post_id"] = s.PostID
	return audit.Record(ctx, db, audit.Event{
		OrgID: s.OrgID, Action: action, SubjectType: "share", SubjectID: s.ID.String(), Details: details,
	})
}

// ---- posts ----

const (
	selectSharedPost = `SELECT p.state, p.title, v.id, v.content, v.content_hash, o.share_edits_need_approval
		FROM posts p
		JOIN post_versions v ON v.post_id = p.id AND v.number = p.current_version
		JOIN organizations o ON o.id = p.org_id
		WHERE p.org_id = $1 AND p.id = $2`
	lockSharedPost = selectSharedPost + ` FOR SHARE OF p`
)

func loadSharedPost(ctx context.Context, db postgres.DB, org, id uuid.UUID, lock bool) (*sharedPost, error) {
	q := selectSharedPost
	if lock {
		q = lockSharedPost
	}
	var sp sharedPost
	var raw []byte
	err := db.QueryRow(ctx, q, org, id).Scan(&sp.state, &sp.title, &sp.versionID, &raw, &sp.hash, &sp.needsApproval)
	if postgres.NoRows(err) {
		return nil, apperr.NotFoundf("post %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read post %s: %w", id, err)
	}
	if err := json.Unmarshal(raw, &sp.content); err != nil {
		return nil, fmt.Errorf("decode post %s: %w", id, err)
	}
	return &sp, nil
}

// postSubject reads the e-mail subject of a share of post version versionID.
func postSubject(ctx context.Context, db postgres.DB, versionID uuid.UUID) (string, error) {
	var subject string
	err := db.QueryRow(ctx, `SELECT coalesce(nullif(v.content->>'title', ''), p.title)
			FROM post_versions v JOIN posts p ON p.id = v.post_id WHERE v.id = $1`, versionID).Scan(&subject)
	return subject, err
}

// shareSubjects reads the e-mail subjects of shares of the post versions versions, by version.
func shareSubjects(ctx context.Context, db postgres.DB, versions []uuid.UUID) (map[uuid.UUID]string, error) {
	subjects := map[uuid.UUID]string{}
	rows, err := db.Query(ctx, `SELECT v.id, coalesce(nullif(v.content->>'title', ''), p.title)
			FROM post_versions v JOIN posts p ON p.id = v.post_id WHERE v.id = ANY($1)`, versions)
	if err != nil {
		return nil, err
	}
	var id uuid.UUID
	var subject string
	if _, err := pgx.ForEachRow(rows, []any{&id, &subject}, func() error {
		subjects[id] = subject
		return nil
	}); err != nil {
		return nil, err
	}
	return subjects, nil
}

// underReview reads the state and current content of post id of org, whose review an edited share
// text waits on.
func underReview(ctx context.Context, db postgres.DB, org, id uuid.UUID) (state content.State, raw []byte, hash string, err error) {
	err = db.QueryRow(ctx, `SELECT p.state, v.content, v.content_hash FROM posts p
			JOIN post_versions v ON v.post_id = p.id AND v.number = p.current_version
			WHERE p.org_id = $1 AND p.id = $2`, org, id).Scan(&state, &raw, &hash)
	return state, raw, hash, err
}

// rejectionComment reads the comment of the latest rejection of post id ("" without one).
func rejectionComment(ctx context.Context, db postgres.DB, id uuid.UUID) (string, error) {
	var comment string
	err := db.QueryRow(ctx, `SELECT comment FROM decisions WHERE post_id = $1 AND kind = 'REJECT'
				ORDER BY created_at DESC LIMIT 1`, id).Scan(&comment)
	if err != nil && !postgres.NoRows(err) {
		return "", err
	}
	return comment, nil
}

// ---- organizations ----

const (
	selectShareEditsNeedApproval = `SELECT share_edits_need_approval FROM organizations WHERE id = $1`
	lockShareEditsNeedApproval   = selectShareEditsNeedApproval + ` FOR UPDATE`
)

// shareEditsNeedApproval reads org's share_edits_need_approval, locked for the rest of the
// transaction when forUpdate.
func shareEditsNeedApproval(ctx context.Context, db postgres.DB, org uuid.UUID, forUpdate bool) (bool, error) {
	q := selectShareEditsNeedApproval
	if forUpdate {
		q = lockShareEditsNeedApproval
	}
	var on bool
	err := db.QueryRow(ctx, q, org).Scan(&on)
	return on, err
}

func setShareEditsNeedApproval(ctx context.Context, db postgres.Execer, org uuid.UUID, on bool) error {
	_, err := db.Exec(ctx, `UPDATE organizations SET share_edits_need_approval = $2 WHERE id = $1`, org, on)
	return err
}

// ---- shares ----

// oneLiveShare is the conflict target of the unique index shares_one_per_network: one live share
// per employee, post and network.
const oneLiveShare = `(user_id, post_id, network)
	WHERE duplicate_of IS NULL AND status IN ('OPENED', 'PENDING_APPROVAL', 'SCHEDULED', 'PUBLISHED')`

// newShare is the row insertShare writes.
type newShare struct {
	orgID, userID, postID, versionID uuid.UUID
	contentHash                      string
	network                          Network
	text                             string
	edited                           bool
	status                           Status
	code, destination, campaign      string
	scheduleAt                       *time.Time
	approvalPostID                   *uuid.UUID
}

// insertShare inserts a share, unless the employee has a live share of the post to the network
// already (then it returns false: a concurrent share waits for the other and then does nothing).
func insertShare(ctx context.Context, tx pgx.Tx, n newShare) (*Share, bool, error) {
	sh, err := scanShare(tx.QueryRow(ctx, `INSERT INTO shares (org_id, user_id, post_id, version_id, content_hash,
					network, text, edited, status, code, destination, campaign, schedule_at, approval_post_id, shared_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, nullif($10, ''), $11, $12, $13, $14,
					CASE WHEN $9 = 'OPENED' THEN now() END)
				ON CONFLICT `+oneLiveShare+` DO NOTHING
				RETURNING `+shareColumns,
		n.orgID, n.userID, n.postID, n.versionID, n.contentHash, n.network, n.text, n.edited, n.status, n.code,
		n.destination, n.campaign, n.scheduleAt, n.approvalPostID))
	if postgres.NoRows(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return sh, true, nil
}

// liveShare returns p's live share (OPENED, PENDING_APPROVAL, SCHEDULED or PUBLISHED) of a post to
// a network, and whether there is one. There is at most one (the unique index
// shares_one_per_network): sharing a post to a network again returns it, so a share scores once on
// the leaderboard and keeps its tracked link.
//
// A share made again is returned unchanged, whatever text or schedule the second request asked
// for (once validated as a first share would be: a locked text still refuses another). An OPENED
// or PUBLISHED share is the record of what went out, which the archive keeps; rewriting its text
// would falsify it, and an edit needing approval would take a share that went out back into
// review. To share another text, an employee cancels a share still waiting (SCHEDULED,
// PENDING_APPROVAL) and shares again; a share that went out stays what it was.
func liveShare(ctx context.Context, db postgres.DB, p *auth.Principal, post uuid.UUID, network Network) (*Share, bool, error) {
	sh, err := scanShare(db.QueryRow(ctx, `SELECT `+shareColumns+` FROM shares
		WHERE org_id = $1 AND user_id = $2 AND post_id = $3 AND network = $4 AND duplicate_of IS NULL
		  AND status IN ('OPENED', 'PENDING_APPROVAL', 'SCHEDULED', 'PUBLISHED')`, p.OrgID, p.UserID, post, network))
	if postgres.NoRows(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("live share of post %s to %s: %w", post, network, err)
	}
	return sh, true, nil
}

// myShares reads up to limit of user's shares, newest first, after (afterAt, afterID) when after.
func myShares(ctx context.Context, db postgres.DB, user, org uuid.UUID, after bool, afterAt time.Time, afterID uuid.UUID, limit int) ([]*Share, error) {
	return collectShares(db.Query(ctx, `SELECT `+shareColumns+` FROM shares
		WHERE user_id = $1 AND org_id = $2 AND (NOT $3 OR (created_at, id) < ($4, $5))
		ORDER BY created_at DESC, id DESC
		LIMIT $6`, user, org, after, afterAt, afterID, limit))
}

// archivedShares reads up to limit of org's shares that went out matching f, most recently shared
// first, after (afterAt, afterID) when after.
func archivedShares(ctx context.Context, db postgres.DB, org uuid.UUID, f ArchiveFilter, after bool, afterAt time.Time, afterID uuid.UUID, limit int) ([]*Share, error) {
	return collectShares(db.Query(ctx, `SELECT `+shareColumns+` FROM shares
		WHERE org_id = $1 AND shared_at IS NOT NULL
		  AND ($2::uuid IS NULL OR user_id = $2)
		  AND ($3::timestamptz IS NULL OR shared_at >= $3)
		  AND ($4::timestamptz IS NULL OR shared_at < $4)
		  AND (NOT $5 OR (shared_at, id) < ($6, $7))
		ORDER BY shared_at DESC, id DESC
		LIMIT $8`, org, f.UserID, f.From, f.To, after, afterAt, afterID, limit))
}

// shareCounts sets out[post] for the posts of org among postIDs that have shares: their shares in
// statuses and the clicks on all their shares.
func shareCounts(ctx context.Context, db postgres.DB, org uuid.UUID, postIDs []uuid.UUID, statuses []string, out map[uuid.UUID]Counts) error {
	rows, err := db.Query(ctx, `SELECT post_id, count(*) FILTER (WHERE status = ANY($3) AND duplicate_of IS NULL), coalesce(sum(clicks), 0)::bigint
		FROM shares WHERE org_id = $1 AND post_id = ANY($2) GROUP BY post_id`, org, postIDs, statuses)
	if err != nil {
		return err
	}
	var id uuid.UUID
	var c Counts
	_, err = pgx.ForEachRow(rows, []any{&id, &c.Shares, &c.Clicks}, func() error {
		out[id] = c
		return nil
	})
	return err
}

// userTotals counts user's shares in statuses (repeats excluded) and the clicks on user's links,
// from the user's shares alone (each keeps its click count, see countClick).
func userTotals(ctx context.Context, db postgres.DB, org, user uuid.UUID, statuses []string) (Counts, error) {
	var c Counts
	err := db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = ANY($3) AND duplicate_of IS NULL), coalesce(sum(clicks), 0)
		FROM shares WHERE org_id = $1 AND user_id = $2`,
		org, user, statuses).Scan(&c.Shares, &c.Clicks)
	return c, err
}

// rankedSQL ranks the active employees of org ($1) over [$2, $3): shares in statuses ($4) score
// $5, clicks $6; ties by name. Employees without points are not ranked.
const rankedSQL = `WITH sh AS (
		SELECT user_id, count(*) AS n FROM shares
		WHERE org_id = $1 AND shared_at >= $2 AND shared_at < $3 AND status = ANY($4) AND duplicate_of IS NULL
		GROUP BY user_id),
	cl AS (
		SELECT user_id, count(*) AS n FROM share_clicks
		WHERE org_id = $1 AND clicked_at >= $2 AND clicked_at < $3
		GROUP BY user_id),
	scored AS (
		SELECT coalesce(sh.user_id, cl.user_id) AS user_id, coalesce(sh.n, 0) AS shares, coalesce(cl.n, 0) AS clicks
		FROM sh FULL JOIN cl ON cl.user_id = sh.user_id),
	ranked AS (
		SELECT u.id, u.name, u.email, s.shares, s.clicks, s.shares * $5 + s.clicks * $6 AS points,
			row_number() OVER (ORDER BY s.shares * $5 + s.clicks * $6 DESC, u.name, u.id) AS rank
		FROM scored s JOIN users u ON u.id = s.user_id
		WHERE u.org_id = $1 AND u.active)
	SELECT rank, id, name, email, shares, clicks, points FROM ranked`

// rankEmployees reads the first limit entries of the leaderboard of org over [from, to): shares in
// statuses score perShare, clicks perClick.
func rankEmployees(ctx context.Context, db postgres.DB, org uuid.UUID, from, to time.Time, statuses []string, perShare, perClick, limit int) ([]LeaderboardEntry, error) {
	rows, err := db.Query(ctx, rankedSQL+` ORDER BY rank LIMIT $7`, org, from, to, statuses, perShare, perClick, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanEntry)
}

// rankEmployee reads user's entry in the same leaderboard; nil when user has no points in it.
func rankEmployee(ctx context.Context, db postgres.DB, org uuid.UUID, from, to time.Time, statuses []string, perShare, perClick int, user uuid.UUID) (*LeaderboardEntry, error) {
	rows, err := db.Query(ctx, rankedSQL+` WHERE id = $7`, org, from, to, statuses, perShare, perClick, user)
	if err != nil {
		return nil, err
	}
	e, err := pgx.CollectExactlyOneRow(rows, scanEntry)
	if postgres.NoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &e, nil
}

func scanEntry(r pgx.CollectableRow) (LeaderboardEntry, error) {
	var e LeaderboardEntry
	err := r.Scan(&e.Rank, &e.UserID, &e.Name, &e.Email, &e.Shares, &e.Clicks, &e.Points)
	return e, err
}

// shareLink is what a tracked link's code leads to.
type shareLink struct {
	org, id, counted               uuid.UUID // counted: the share its clicks count on
	destination, network, campaign string
}

// lookupLink reads the share of a tracked link's code, and whether there is one.
func lookupLink(ctx context.Context, db postgres.DB, code string) (shareLink, bool, error) {
	var l shareLink
	err := db.QueryRow(ctx, `SELECT org_id, id, coalesce(duplicate_of, id), destination, network, campaign FROM shares
		WHERE code = $1 AND destination <> ''`, code).Scan(&l.org, &l.id, &l.counted, &l.destination, &l.network, &l.campaign)
	if postgres.NoRows(err) {
		return shareLink{}, false, nil
	}
	if err != nil {
		return shareLink{}, false, err
	}
	return l, true, nil
}

// countClick records a visitor's click on a share in a window, unless they clicked it in that window
// already, and bumps the share's click counter in the same statement.
func countClick(ctx context.Context, db postgres.Execer, shareID uuid.UUID, visitor []byte, window, at time.Time) error {
	_, err := db.Exec(ctx, `WITH counted AS (
			INSERT INTO share_clicks (share_id, org_id, user_id, visitor, window_start, clicked_at)
			SELECT id, org_id, user_id, $2, $3, $4 FROM shares WHERE id = $1
			ON CONFLICT DO NOTHING
			RETURNING share_id)
		UPDATE shares SET clicks = clicks + 1 WHERE id = (SELECT share_id FROM counted)`,
		shareID, visitor, window, at)
	return err
}

// publishCheck is what claiming a share to publish reads besides the share.
type publishCheck struct {
	claimed, active bool // claimed: another run holds the share
	postState       content.State
	currentHash     string
	accountID       *string
	sealed          []byte
}

// lockToPublish reads share id of org, locked, with what publishing it checks; nil when there is no
// such share.
func lockToPublish(ctx context.Context, tx pgx.Tx, org, id uuid.UUID) (*Share, publishCheck, error) {
	var c publishCheck
	sh, err := scanShareWith(tx.QueryRow(ctx, `SELECT s.id, s.org_id, s.user_id, s.post_id, s.version_id, s.content_hash,
				s.network, s.text, s.edited, s.status, s.status_reason, s.code, s.destination, s.campaign, s.schedule_at,
				s.approval_post_id, s.external_id, s.external_url, s.clicks, s.created_at, s.updated_at, s.shared_at,
				s.published_at,
				coalesce(s.claimed_until > now(), false), u.active, po.state, cv.content_hash, ca.account_id, ca.token_sealed
			FROM shares s
			JOIN users u ON u.id = s.user_id
			JOIN posts po ON po.id = s.post_id
			JOIN post_versions cv ON cv.post_id = po.id AND cv.number = po.current_version
			LEFT JOIN connected_accounts ca ON ca.user_id = s.user_id AND ca.network = s.network
			WHERE s.id = $1 AND s.org_id = $2
			FOR UPDATE OF s`, id, org), &c.claimed, &c.active, &c.postState, &c.currentHash, &c.accountID, &c.sealed)
	if postgres.NoRows(err) {
		return nil, publishCheck{}, nil
	}
	if err != nil {
		return nil, publishCheck{}, err
	}
	return sh, c, nil
}

// claimShare claims a share for a run of its publish task, for seconds.
func claimShare(ctx context.Context, db postgres.Execer, id uuid.UUID, seconds float64) error {
	_, err := db.Exec(ctx, `UPDATE shares SET claimed_until = now() + make_interval(secs => $2), attempts = attempts + 1
			WHERE id = $1`, id, seconds)
	return err
}

// releaseClaim frees a share's claim, for a later run of its publish task.
func releaseClaim(ctx context.Context, db postgres.Execer, id uuid.UUID) error {
	_, err := db.Exec(ctx, `UPDATE shares SET claimed_until = NULL WHERE id = $1`, id)
	return err
}

// markPublished records a SCHEDULED share PUBLISHED, and reports whether it was still SCHEDULED.
func markPublished(ctx context.Context, db postgres.Execer, id uuid.UUID, externalID, externalURL string) (bool, error) {
	tag, err := db.Exec(ctx, `UPDATE shares SET status = 'PUBLISHED', status_reason = '', external_id = $2, external_url = $3,
				published_at = now(), shared_at = now(), claimed_until = NULL, updated_at = now()
			WHERE id = $1 AND status = 'SCHEDULED'`, id, externalID, externalURL)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() > 0, nil
}

// markFailed records a SCHEDULED share FAILED with reason, and reports whether it was still
// SCHEDULED.
func markFailed(ctx context.Context, db postgres.Execer, id uuid.UUID, reason string) (bool, error) {
	tag, err := db.Exec(ctx, `UPDATE shares SET status = 'FAILED', status_reason = $2, claimed_until = NULL, updated_at = now()
			WHERE id = $1 AND status = 'SCHEDULED'`, id, reason)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() > 0, nil
}

// waitingShares reads, locked, the shares of org waiting in PENDING_APPROVAL on the review of post.
func waitingShares(ctx context.Context, tx pgx.Tx, org, post uuid.UUID) ([]*Share, error) {
	return collectShares(tx.Query(ctx, `SELECT `+shareColumns+` FROM shares
			WHERE org_id = $1 AND approval_post_id = $2 AND status = 'PENDING_APPROVAL'
			ORDER BY id FOR UPDATE`, org, post))
}

// setShareText replaces a share's text.
func setShareText(ctx context.Context, db postgres.Execer, id uuid.UUID, text string) error {
	_, err := db.Exec(ctx, `UPDATE shares SET text = $2 WHERE id = $1`, id, text)
	return err
}
