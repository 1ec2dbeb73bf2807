// Package publish puts approved posts on the organization's brand channels: channels with sealed
// credentials, publication plans (a time in a named time zone, or a manual release), one publish
// job per post version and channel, and the worker's publish:channel task that talks to the
// platform through its adapter (package platform).
package publish

import (
	"log/slog"

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
}

// NewService returns the publishing service; adapters are keyed by platform name.
func NewService(pool *pgxpool.Pool, keys *secretbox.Keyring, adapters map[string]platform.Adapter, log *slog.Logger) *Service {
	return &Service{pool: pool, keys: keys, adapters: adapters, log: log.With(slog.String("component", "publish"))}
}
