package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"clearpost/internal/config"
	"clearpost/internal/postgres"
	"clearpost/internal/publish"
	"clearpost/internal/secretbox"
)

// secretsKeygen prints a new keyring entry for CLEARPOST_SECRET_KEYS.
func secretsKeygen(args []string, stdout io.Writer) error {
	id := time.Now().UTC().Format("k20060102")
	if len(args) > 0 {
		id = args[0]
	}
	if _, err := secretbox.Parse(secretbox.NewKey(id)); err != nil {
		return err
	}
	fmt.Fprintln(stdout, secretbox.NewKey(id))
	return nil
}

// secretsCmd re-seals every stored secret with the keyring's primary key. Rotation: put a new key
// first in CLEARPOST_SECRET_KEYS (keep the old one after it), restart, run `clearpost secrets
// rekey` until it reports nothing left, then drop the old key.
func secretsCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) != 1 || args[0] != "rekey" {
		return errors.New("usage: clearpost secrets keygen [ID] | clearpost secrets rekey")
	}
	keys, err := secretbox.Parse(cfg.SecretKeys)
	if err != nil {
		return fmt.Errorf("CLEARPOST_SECRET_KEYS: %w", err)
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	n, err := publish.NewService(pool, keys, nil, log).Rekey(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "re-sealed %d channel credential set(s) with key %s\n", n, keys.Primary())
	return nil
}
