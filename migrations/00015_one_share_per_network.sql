-- +goose Up
-- One share per post, network and employee: sharing a post again to the same network returns the
-- share already made (its tracked link, its text), so a share scores once on the leaderboard.
--
-- Only live shares are unique (OPENED, PENDING_APPROVAL, SCHEDULED, PUBLISHED): a share that was
-- CANCELED, FAILED or REJECTED never went out and never comes back (no status leads out of those),
-- so the employee may share the post to that network again.
--
-- Shares made before this migration may repeat. The oldest live share of each (employee, post,
-- network) is kept; each later one stays as a record of what went out (the share archive) with
-- duplicate_of naming the kept share, and its tracked link keeps working (the link is out there),
-- its clicks counted on the kept share. Its counted clicks move to the kept share (a visitor
-- counted on both, in the same window, counts once) and it scores no more. A repeat still waiting
-- to go out (SCHEDULED, PENDING_APPROVAL) is canceled, audited, so the post does not go out twice.
ALTER TABLE shares ADD COLUMN duplicate_of uuid REFERENCES shares(id);

WITH live AS (
    SELECT id, first_value(id) OVER (PARTITION BY user_id, post_id, network ORDER BY created_at, id) AS kept
    FROM shares
    WHERE status IN ('OPENED', 'PENDING_APPROVAL', 'SCHEDULED', 'PUBLISHED'))
UPDATE shares s SET duplicate_of = live.kept
FROM live WHERE s.id = live.id AND live.kept <> live.id;

INSERT INTO share_clicks (share_id, org_id, user_id, visitor, window_start, clicked_at)
SELECT s.duplicate_of, c.org_id, c.user_id, c.visitor, c.window_start, c.clicked_at
FROM share_clicks c JOIN shares s ON s.id = c.share_id
WHERE s.duplicate_of IS NOT NULL
ON CONFLICT DO NOTHING;
DELETE FROM share_clicks c USING shares s WHERE s.id = c.share_id AND s.duplicate_of IS NOT NULL;
UPDATE shares s SET clicks = (SELECT count(*) FROM share_clicks c WHERE c.share_id = s.id)
WHERE s.duplicate_of IS NOT NULL
   OR s.id IN (SELECT duplicate_of FROM shares WHERE duplicate_of IS NOT NULL);

WITH canceled AS (
    UPDATE shares SET status = 'CANCELED', status_reason = 'a repeat of share ' || duplicate_of::text,
        claimed_until = NULL, updated_at = now()
    WHERE duplicate_of IS NOT NULL AND status IN ('SCHEDULED', 'PENDING_APPROVAL')
    RETURNING id, org_id, user_id, post_id, duplicate_of)
INSERT INTO audit_events (org_id, action, subject_type, subject_id, details)
SELECT org_id, 'share.canceled', 'share', id::text,
    json_build_object('reason', 'a repeat of a share of the same post to the same network', 'duplicate_of', duplicate_of,
        'on_behalf_of', user_id, 'post_id', post_id)
FROM canceled;

CREATE UNIQUE INDEX shares_one_per_network ON shares (user_id, post_id, network)
    WHERE duplicate_of IS NULL AND status IN ('OPENED', 'PENDING_APPROVAL', 'SCHEDULED', 'PUBLISHED');

COMMENT ON COLUMN share_clicks.visitor IS
    'HMAC of the share, the client address (IPv6: its /64) and the UTC day of the window; no address or user agent is stored';

-- +goose Down
DROP INDEX shares_one_per_network;
ALTER TABLE shares DROP COLUMN duplicate_of;
