package publish

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/postgres"
	"clearpost/internal/publish/platform"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Channel is a brand channel: a LinkedIn page, an X account, a Facebook page, a Slack channel or
// a webhook. Its credentials stay sealed in the database; the API only says which keys are set.
type Channel struct {
	ID             uuid.UUID
	OrgID          uuid.UUID
	Platform       string
	Name           string
	Enabled        bool
	Revision       int
	CredentialKeys []string // names of the credentials set, never their values
	CreatedBy      uuid.UUID
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// ChannelInput creates a channel.
type ChannelInput struct {
	Platform    string
	Name        string
	Credentials map[string]string
}

// ChannelUpdate changes a channel. Nil fields stay as they are; Credentials are merged into the
// stored ones, an empty value removing a key.
type ChannelUpdate struct {
	Name        *string
	Enabled     *bool
	Credentials map[string]string
	// ExpectedRevision, when not 0, must be the channel's revision.
	ExpectedRevision int
}

// credentialsAAD binds a channel's sealed credentials to the channel: copied to another row, they
// do not open.
func credentialsAAD(id uuid.UUID) []byte { return []byte("channels:" + id.String() + ":credentials") }

// withCredentials opens c's sealed credentials and names their keys on c.
func (s *Service) withCredentials(c *Channel, sealed []byte) (*Channel, Credentials, error) {
	creds, err := s.open(c.ID, sealed)
	if err != nil {
		return nil, nil, err
	}
	c.CredentialKeys = slices.Sorted(maps.Keys(creds))
	return c, creds, nil
}

// Credentials are a channel's opened credentials.
type Credentials = platform.Credentials

func (s *Service) open(id uuid.UUID, sealed []byte) (Credentials, error) {
	plain, err := s.keys.Open(sealed, credentialsAAD(id))
	if err != nil {
		return nil, fmt.Errorf("channel %s credentials: %w", id, err)
	}
	defer clear(plain)
	var creds Credentials
	if err := json.Unmarshal(plain, &creds); err != nil {
		return nil, fmt.Errorf("channel %s credentials: %w", id, err)
	}
	return creds, nil
}

func (s *Service) seal(id uuid.UUID, creds Credentials) ([]byte, error) {
	plain, err := json.Marshal(creds)
	if err != nil {
		return nil, err
	}
	defer clear(plain)
	return s.keys.Seal(plain, credentialsAAD(id)), nil
}

func (s *Service) validateChannel(platformName, name string, creds Credentials) error {
	var problems apperr.Problems
	adapter, ok := s.adapters[platformName]
	if !ok {
		problems.Add("platform", "%q is not one of %s", platformName, strings.Join(slices.Sorted(maps.Keys(s.adapters)), ", "))
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(name)); n == 0 || n > 100 {
		problems.Add("name", "must be 1 to 100 characters")
	}
	if err := problems.Err(); err != nil {
		return err
	}
	return adapter.Validate(creds)
}

// CreateChannel adds a brand channel. Admins only.
func (s *Service) CreateChannel(ctx context.Context, in ChannelInput) (*Channel, error) {
	p, err := auth.Require(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	in.Platform, in.Name = strings.ToLower(strings.TrimSpace(in.Platform)), strings.TrimSpace(in.Name)
	creds := Credentials(maps.Clone(in.Credentials))
	if err := s.validateChannel(in.Platform, in.Name, creds); err != nil {
		return nil, err
	}
	id := uuid.New()
	sealed, err := s.seal(id, creds)
	if err != nil {
		return nil, err
	}
	var ch *Channel
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		ch, err = s.insertChannel(ctx, tx, p.OrgID, id, p.UserID, in.Platform, in.Name, sealed)
		if err != nil {
			return channelError(err)
		}
		return p.Record(ctx, tx, "channel.created", "channel", id.String(),
			map[string]any{"platform": in.Platform, "name": in.Name, "credential_keys": ch.CredentialKeys})
	})
	if err != nil {
		return nil, fmt.Errorf("create channel: %w", err)
	}
	return ch, nil
}

// UpdateChannel renames, enables or disables a channel, or changes its credentials. Admins only.
func (s *Service) UpdateChannel(ctx context.Context, id uuid.UUID, u ChannelUpdate) (*Channel, error) {
	p, err := auth.Require(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	var ch *Channel
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		cur, creds, err := s.lockChannel(ctx, tx, p.OrgID, id)
		if err != nil {
			return err
		}
		if u.ExpectedRevision != 0 && u.ExpectedRevision != cur.Revision {
			return apperr.Conflictf("channel changed since you read it: it is at revision %d, you edited revision %d", cur.Revision, u.ExpectedRevision)
		}
		name, enabled := cur.Name, cur.Enabled
		if u.Name != nil {
			name = strings.TrimSpace(*u.Name)
		}
		if u.Enabled != nil {
			enabled = *u.Enabled
		}
		var changedKeys []string
		for k, v := range u.Credentials {
			if v == "" {
				delete(creds, k)
			} else {
				creds[k] = v
			}
			changedKeys = append(changedKeys, k)
		}
		slices.Sort(changedKeys)
		if err := s.validateChannel(cur.Platform, name, creds); err != nil {
			return err
		}
		sealed, err := s.seal(id, creds)
		if err != nil {
			return err
		}
		ch, err = s.updateChannel(ctx, tx, p.OrgID, id, name, enabled, sealed)
		if err != nil {
			return channelError(err)
		}
		return p.Record(ctx, tx, "channel.updated", "channel", id.String(), map[string]any{
			"name": name, "previous_name": cur.Name, "enabled": enabled, "credentials_changed": changedKeys,
		})
	})
	if err != nil {
		return nil, fmt.Errorf("update channel %s: %w", id, err)
	}
	return ch, nil
}

// DisableChannel stops publishing to a channel: nothing new is scheduled to it, and jobs already
// scheduled fail with the reason when they come due.
func (s *Service) DisableChannel(ctx context.Context, id uuid.UUID) (*Channel, error) {
	off := false
	return s.UpdateChannel(ctx, id, ChannelUpdate{Enabled: &off})
}

// Channels lists the organization's channels, enabled first, by name. Admins and marketers.
func (s *Service) Channels(ctx context.Context) ([]*Channel, error) {
	p, err := auth.Require(ctx, auth.Editors...)
	if err != nil {
		return nil, err
	}
	return s.listChannels(ctx, p.OrgID)
}

// ChannelsByIDs returns the organization's channels among ids, for a dataloader.
func (s *Service) ChannelsByIDs(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*Channel, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	chs, err := s.channelsIn(ctx, p.OrgID, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]*Channel, len(chs))
	for _, ch := range chs {
		out[ch.ID] = ch
	}
	return out, nil
}

// Rekey seals every channel's credentials that NeedsRotation again with the keyring's primary key,
// and returns how many it changed. Run it after putting a new key first in the keyring; once it
// reports 0, the old key can be dropped.
func (s *Service) Rekey(ctx context.Context) (int, error) {
	var n int
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		stale, err := lockAllCredentials(ctx, tx, s.keys.NeedsRotation)
		if err != nil {
			return err
		}
		for _, r := range stale {
			box, err := s.keys.Reseal(r.box, credentialsAAD(r.id))
			if err != nil {
				return fmt.Errorf("channel %s: %w", r.id, err)
			}
			if err := setCredentials(ctx, tx, r.id, box); err != nil {
				return err
			}
		}
		n = len(stale)
		return nil
	})
	return n, err
}

func channelError(err error) error {
	if postgres.IsViolation(err, postgres.UniqueViolation, "") {
		return apperr.Invalidf("name", "a channel of that name exists")
	}
	return err
}
