// Package publish puts approved posts on the organization's brand channels: channels with sealed
// credentials, publication plans (a time in a named time zone, or a manual release), one publish
// job per post version and channel, and the worker's publish:channel task that talks to the
// platform through its adapter (package platform).
package publish

import (
	"log/slog"
	"time"

	"clearpost/internal/publish/platform"
	"clearpost/internal/secretbox"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Service is brand-channel publishing.
type Service struct {
	pool     *pgxpool.Pool
	keys     *secretbox.Keyring
	adapters map[string]platform.Adapter
	log      *slog.Logger
	// onPublished is told of each publication recorded: its platform, when it was due and when
	// it went out (app hangs the publish-lateness metric on it).
	onPublished func(platform string, due, published time.Time)
}

// OnPublished registers f to be told of each publication recorded with a scheduled time.
func (s *Service) OnPublished(f func(platform string, due, published time.Time)) { s.onPublished = f }

// NewService returns the publishing service; adapters are keyed by platform name.
func NewService(pool *pgxpool.Pool, keys *secretbox.Keyring, adapters map[string]platform.Adapter, log *slog.Logger) *Service {
	return &Service{pool: pool, keys: keys, adapters: adapters, log: log.With(slog.String("component", "publish"))}
}
