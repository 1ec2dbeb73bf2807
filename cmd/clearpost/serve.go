package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"clearpost/internal/app"
	"clearpost/internal/auth"
	"clearpost/internal/config"
	"clearpost/internal/postgres"
)

// serve runs the API, the worker, or both, until ctx is cancelled.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger, httpAPI, worker bool) error {
	if err := cfg.RequireServe(); err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	providers := configuredProviders(cfg)
	if httpAPI {
		// A provider that cannot be discovered, or whose discovery names another issuer, would
		// refuse every sign-in: that is a start-up error, not a warning in the log.
		var errs []error
		for _, p := range providers {
			if err := auth.CheckDiscovery(ctx, nil, p.Issuer); err != nil {
				errs = append(errs, err)
			}
		}
		if err := errors.Join(errs...); err != nil {
			return fmt.Errorf("identity providers (CLEARPOST_OIDC_ISSUER, CLEARPOST_OIDC_PROVIDERS_FILE):\n%w", err)
		}
	}
	a, err := app.New(ctx, cfg, log, app.Options{HTTP: httpAPI, Worker: worker, Queue: worker, Migrate: cfg.AutoMigrate})
	if err != nil {
		return err
	}
	if httpAPI {
		// The configuration is the truth: providers no longer configured are disabled.
		disabled, err := auth.Configure(ctx, a.Pool, providers)
		if err != nil {
			a.Pool.Close()
			return err
		}
		for _, issuer := range disabled {
			log.Warn("identity provider disabled: no longer configured; its tokens are refused and its sessions ended", slog.String("issuer", issuer))
		}
	}
	return runApp(ctx, a, cfg)
}

// configuredProviders are the identity providers of CLEARPOST_OIDC_ISSUER and
// CLEARPOST_OIDC_PROVIDERS_FILE.
func configuredProviders(cfg config.Config) []auth.Provider {
	providers := []auth.Provider{{OrgSlug: cfg.OrgSlug, OrgName: cfg.OrgName, Issuer: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID, Audience: cfg.OIDCAudience}}
	for _, p := range cfg.Providers {
		providers = append(providers, auth.Provider{OrgSlug: p.OrgSlug, OrgName: p.OrgName, Issuer: p.Issuer, ClientID: p.ClientID, Audience: p.Audience})
	}
	return providers
}

func runApp(ctx context.Context, a *app.App, cfg config.Config) error {
	runErr := a.Run(ctx)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := a.Shutdown(shutdownCtx); err != nil && runErr == nil {
		runErr = err
	}
	return runErr
}

func migrate(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout interface{ Write([]byte) (int, error) }) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: clearpost migrate up|down|status")
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	m, err := postgres.NewMigrator(pool)
	if err != nil {
		return err
	}
	defer m.Close()
	switch args[0] {
	case "up":
		return m.Up(ctx, log)
	case "down":
		return m.Down(ctx, log)
	case "status":
		return m.Status(ctx, stdout)
	}
	return fmt.Errorf("usage: clearpost migrate up|down|status")
}
