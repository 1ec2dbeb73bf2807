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
	made, err := insertNotifications(ctx, tx, org, ids, inApp, d, postID, text.Truncate(d.title, 300), text.Truncate(d.body, 10000))
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
			if err := insertDelivery(ctx, &w, org, c.id, ch); err != nil {
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
	slackSet, err := slackConfigured(ctx, tx, org)
	if err != nil {
		return nil, fmt.Errorf("notification settings: %w", err)
	}
	active, err := activeUsers(ctx, tx, org, users)
	if err != nil {
		return nil, fmt.Errorf("notification recipients: %w", err)
	}
	var out []recipient
	for _, u := range active {
		sp := u.prefs
		if u.kinds != nil {
			if err := json.Unmarshal(u.kinds, &sp.Kinds); err != nil {
				return nil, fmt.Errorf("preferences of user %s: %w", u.id, err)
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
			out = append(out, recipient{id: u.id, channels: chs})
		}
	}
	return out, nil
}

func uniqueIDs(ids []uuid.UUID) []uuid.UUID {
	out := slices.Clone(ids)
	slices.SortFunc(out, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	out = slices.Compact(out)
	return slices.DeleteFunc(out, func(id uuid.UUID) bool { return id == uuid.Nil })
}
