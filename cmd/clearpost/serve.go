package main

import (
	"context"
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
	a, err := app.New(ctx, cfg, log, app.Options{HTTP: httpAPI, Worker: worker, Queue: worker, Migrate: cfg.AutoMigrate})
	if err != nil {
		return err
	}
	providers := []auth.Provider{{OrgSlug: cfg.OrgSlug, OrgName: cfg.OrgName, Issuer: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID, Audience: cfg.OIDCAudience}}
	for _, p := range cfg.Providers {
		providers = append(providers, auth.Provider{OrgSlug: p.OrgSlug, OrgName: p.OrgName, Issuer: p.Issuer, ClientID: p.ClientID, Audience: p.Audience})
	}
	for _, p := range providers {
		if _, err := auth.Register(ctx, a.Pool, p); err != nil {
			a.Pool.Close()
			return err
		}
	}
	return runApp(ctx, a, cfg)
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
