package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"clearpost/internal/jobs"
	"clearpost/internal/postgres"
	"clearpost/internal/text"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// draft is a notification to create for some users.
type draft struct {
	kind   Kind
	key    string    // the event it tells of, unique per user: a second draft with this key is dropped
	postID uuid.UUID // uuid.Nil: about no post
	title  string
	body   string
	link   string
}

// deliveryPayload is the outbox payload of one delivery: the task key makes its task
// "notify:email:<notification id>.email", whatever row asks for it.
type deliveryPayload struct {
	jobs.Schedule
	NotificationID uuid.UUID `json:"notification_id"`
}

// recipient is a user to notify, with the channels they want for the draft's kind.
type recipient struct {
	id       uuid.UUID
	channels []Channel
}

// create inserts d for those of users who are active members of org and want it on some channel,
// with a PENDING delivery and an outbox row per e-mail or Slack message, all through tx. Users who
// already have a notification with d's key get nothing. It returns how many notifications it
// created.
func (s *Service) create(ctx context.Context, tx pgx.Tx, org uuid.UUID, users []uuid.UUID, d draft) (int, error) {
	users = uniqueIDs(users)
	if len(users) == 0 {
		return 0, nil
	}
	recipients, err := s.recipients(ctx, tx, org, users, d.kind)
	if err != nil || len(recipients) == 0 {
		return 0, err
	}
	ids := make([]uuid.UUID, len(recipients))
	inApp := make([]bool, len(recipients))
	wants := make(map[uuid.UUID][]Channel, len(recipients))
	for i, r := range recipients {
		ids[i] = r.id
		inApp[i] = slices.Contains(r.channels, ChannelInApp)
		wants[r.id] = r.channels
	}
	var postID *uuid.UUID
	if d.postID != uuid.Nil {
		postID = &d.postID
	}
	rows, err := tx.Query(ctx, `INSERT INTO notifications (org_id, user_id, kind, event_key, post_id, title, body, link, in_app)
		SELECT $1, u.id, $4, $5, $6, $7, $8, $9, u.in_app FROM unnest($2::uuid[], $3::boolean[]) AS u(id, in_app)
		ORDER BY u.id
		ON CONFLICT (user_id, event_key) DO NOTHING
		RETURNING id, user_id`,
		org, ids, inApp, d.kind, d.key, postID, text.Truncate(d.title, 300), text.Truncate(d.body, 10000), d.link)
	if err != nil {
		return 0, fmt.Errorf("insert notifications: %w", err)
	}
	type created struct{ id, user uuid.UUID }
	made, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (created, error) {
		var c created
		return c, r.Scan(&c.id, &c.user)
	})
	if err != nil {
		return 0, fmt.Errorf("insert notifications: %w", err)
	}
	var w postgres.Deferred
	for _, c := range made {
		for _, ch := range wants[c.user] {
			topic := ""
			switch ch {
			case ChannelEmail:
				topic = jobs.TopicNotifyEmail
			case ChannelSlack:
				topic = jobs.TopicNotifySlack
			default:
				continue
			}
			if _, err := w.Exec(ctx, `INSERT INTO notification_deliveries (notification_id, channel, org_id) VALUES ($1, $2, $3)`,
				c.id, ch, org); err != nil {
				return 0, err
			}
			if err := jobs.Enqueue(ctx, &w, org, topic, deliveryPayload{
				Schedule:       jobs.Schedule{TaskKey: TaskKey(c.id, ch)},
				NotificationID: c.id,
			}); err != nil {
				return 0, err
			}
		}
	}
	if err := w.Flush(ctx, tx); err != nil {
		return 0, fmt.Errorf("queue notification deliveries: %w", err)
	}
	return len(made), nil
}

// TaskKey is the task key of notification id's delivery on ch: its task id is
// "notify:email:<id>.email" or "notify:slack:<id>.slack".
func TaskKey(id uuid.UUID, ch Channel) string {
	switch ch {
	case ChannelEmail:
		return id.String() + ".email"
	case ChannelSlack:
		return id.String() + ".slack"
	}
	return id.String() + "." + string(ch)
}

// recipients returns those of users who are active in org with the channels they want for kind,
// leaving out channels that cannot deliver (e-mail not configured, no Slack webhook) and users
// left with none.
func (s *Service) recipients(ctx context.Context, tx pgx.Tx, org uuid.UUID, users []uuid.UUID, kind Kind) ([]recipient, error) {
	var slackSet bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM notification_settings WHERE org_id = $1 AND slack_webhook IS NOT NULL)`, org).Scan(&slackSet)
	if err != nil {
		return nil, fmt.Errorf("notification settings: %w", err)
	}
	rows, err := tx.Query(ctx, `SELECT u.id, p.channels, p.kinds FROM users u
		LEFT JOIN notification_preferences p ON p.user_id = u.id
		WHERE u.org_id = $1 AND u.id = ANY($2) AND u.active
		ORDER BY u.id`, org, users)
	if err != nil {
		return nil, fmt.Errorf("notification recipients: %w", err)
	}
	defer rows.Close()
	var out []recipient
	for rows.Next() {
		var id uuid.UUID
		var sp storedPreferences
		var kinds []byte
		if err := rows.Scan(&id, &sp.Channels, &kinds); err != nil {
			return nil, fmt.Errorf("notification recipients: %w", err)
		}
		if kinds != nil {
			if err := json.Unmarshal(kinds, &sp.Kinds); err != nil {
				return nil, fmt.Errorf("preferences of user %s: %w", id, err)
			}
		}
		var chs []Channel
		for _, c := range sp.preferences().For(kind) {
			switch {
			case c == ChannelEmail && !s.emailEnabled(), c == ChannelSlack && !slackSet:
				continue
			}
			chs = append(chs, c)
		}
		if len(chs) > 0 {
			out = append(out, recipient{id: id, channels: chs})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("notification recipients: %w", err)
	}
	return out, nil
}

func uniqueIDs(ids []uuid.UUID) []uuid.UUID {
	out := slices.Clone(ids)
	slices.SortFunc(out, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	out = slices.Compact(out)
	return slices.DeleteFunc(out, func(id uuid.UUID) bool { return id == uuid.Nil })
}
