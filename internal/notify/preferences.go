package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/postgres"
	"clearpost/internal/text"

	"github.com/jackc/pgx/v5"
)

// Preferences are the channels a user receives notifications on: Channels for every kind, except
// the kinds listed in Kinds, which have their own. An empty list of channels mutes.
type Preferences struct {
	Channels []Channel
	Kinds    []KindChannels
}

// KindChannels are the channels of one kind of notification.
type KindChannels struct {
	Kind     Kind
	Channels []Channel
}

// DefaultPreferences are a user's until they set their own: in-app and e-mail for everything.
func DefaultPreferences() *Preferences {
	return &Preferences{Channels: slices.Clone(DefaultChannels), Kinds: []KindChannels{}}
}

// For returns the channels of kind k.
func (p *Preferences) For(k Kind) []Channel {
	for _, kc := range p.Kinds {
		if kc.Kind == k {
			return kc.Channels
		}
	}
	return p.Channels
}

// storedPreferences is a preferences row; a user without one has the defaults.
type storedPreferences struct {
	Channels []string
	Kinds    map[Kind][]Channel
}

func (sp *storedPreferences) preferences() *Preferences {
	if sp == nil || sp.Channels == nil {
		return DefaultPreferences()
	}
	out := &Preferences{Channels: make([]Channel, len(sp.Channels)), Kinds: []KindChannels{}}
	for i, c := range sp.Channels {
		out.Channels[i] = Channel(c)
	}
	for _, k := range Kinds { // in the order of Kinds, so the answer is stable
		if chs, ok := sp.Kinds[k]; ok {
			out.Kinds = append(out.Kinds, KindChannels{Kind: k, Channels: chs})
		}
	}
	return out
}

// Preferences returns the caller's preferences.
func (s *Service) Preferences(ctx context.Context) (*Preferences, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	sp, err := getPreferences(ctx, s.pool, p.OrgID, p.UserID)
	if postgres.NoRows(err) {
		return DefaultPreferences(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("notification preferences: %w", err)
	}
	return sp.preferences(), nil
}

// SetPreferences replaces the caller's preferences. Every problem is reported at once, each naming
// its input field ("channels[1]", "kinds[0].kind", "kinds[2].channels[0]").
func (s *Service) SetPreferences(ctx context.Context, in Preferences) (*Preferences, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	out, err := validatePreferences(in)
	if err != nil {
		return nil, err
	}
	kinds := make(map[Kind][]Channel, len(out.Kinds))
	for _, kc := range out.Kinds {
		kinds[kc.Kind] = kc.Channels
	}
	kindsJSON, err := json.Marshal(kinds)
	if err != nil {
		return nil, fmt.Errorf("set notification preferences: %w", err)
	}
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := upsertPreferences(ctx, tx, p.OrgID, p.UserID, out.Channels, kindsJSON); err != nil {
			return err
		}
		return p.Record(ctx, tx, "notification_preferences.updated", "user", p.UserID.String(),
			map[string]any{"channels": out.Channels, "kinds": kinds})
	})
	if err != nil {
		return nil, fmt.Errorf("set notification preferences: %w", err)
	}
	return out, nil
}

// validatePreferences checks in and returns it normalized: channel lists sorted in the order of
// Channels without repeats, kinds in the order of Kinds.
func validatePreferences(in Preferences) (*Preferences, error) {
	var problems apperr.Problems
	channels := func(field string, chs []Channel) []Channel {
		for i, c := range chs {
			if !c.Valid() {
				problems.Add(fmt.Sprintf("%s[%d]", field, i), "%q is not a channel (IN_APP, EMAIL, SLACK)", text.Truncate(string(c), 40))
			}
		}
		out := []Channel{}
		for _, c := range Channels {
			if slices.Contains(chs, c) {
				out = append(out, c)
			}
		}
		return out
	}
	out := &Preferences{Channels: channels("channels", in.Channels), Kinds: []KindChannels{}}
	if len(in.Kinds) > len(Kinds) {
		problems.Add("kinds", "has %d entries; there are only %d kinds", len(in.Kinds), len(Kinds))
		return nil, problems.Err()
	}
	seen := map[Kind]bool{}
	byKind := map[Kind][]Channel{}
	for i, kc := range in.Kinds {
		f := fmt.Sprintf("kinds[%d]", i)
		switch {
		case !kc.Kind.Valid():
			problems.Add(f+".kind", "%q is not a notification kind", text.Truncate(string(kc.Kind), 40))
		case seen[kc.Kind]:
			problems.Add(f+".kind", "%s appears more than once", kc.Kind)
		}
		seen[kc.Kind] = true
		byKind[kc.Kind] = channels(f+".channels", kc.Channels)
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	for _, k := range Kinds {
		if chs, ok := byKind[k]; ok {
			out.Kinds = append(out.Kinds, KindChannels{Kind: k, Channels: chs})
		}
	}
	return out, nil
}
