package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"clearpost/internal/app"
	"clearpost/internal/auth"
	"clearpost/internal/config"
	"clearpost/internal/devoidc"
	"clearpost/internal/secretbox"
	"clearpost/internal/seed"
)

const devClientID = "clearpost-dev"

// dev runs API, worker and the development identity provider in one process, on loopback only,
// with migrations applied and demo data seeded.
func dev(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) error {
	if err := requireLoopback(cfg.HTTPAddr); err != nil {
		return err
	}
	// Bind first: the identity provider's issuer, its redirect URIs and every link the services
	// build (tracked shares, notifications, e-mail) need the real port, also for port 0.
	listener, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	defer func() {
		if listener != nil {
			_ = listener.Close()
		}
	}()
	cfg.HTTPAddr = listener.Addr().String()
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + cfg.HTTPAddr
	}
	public := strings.TrimSuffix(cfg.PublicURL, "/")
	issuer := "http://" + cfg.HTTPAddr + "/dev/oidc"
	cfg.OIDCIssuer, cfg.OIDCClientID, cfg.Playground = issuer, devClientID, true
	if cfg.GroupMap == nil {
		cfg.GroupMap = seed.GroupMap
	}
	if cfg.AuditSigningKey == nil {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return err
		}
		cfg.AuditSigningKey = key
		log.Warn("no CLEARPOST_AUDIT_SIGNING_KEY: audit checkpoints of this run are signed with a throwaway key")
	}
	if cfg.SecretKeys == "" {
		cfg.SecretKeys = secretbox.NewKey("dev")
		log.Warn("no CLEARPOST_SECRET_KEYS: channel credentials saved in this run are sealed with a throwaway key")
	}
	if cfg.ClickKey == "" {
		cfg.ClickKey = rand.Text()
	}
	cfg.AllowPrivateTargets = true
	cfg.ShutdownDelay = 0 // no load balancer in front of a laptop
	var users []devoidc.User
	for _, p := range seed.People {
		users = append(users, devoidc.User{Subject: p.Subject(), Email: p.Email, Name: p.Name, Groups: p.IdPGroups})
	}
	provider, err := devoidc.New(issuer, devClientID, users,
		devoidc.WithRedirectURIs(public+"/auth/callback"),
		devoidc.WithPostLogoutRedirectURIs(public+"/"), devoidc.WithLogger(log))
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, log, app.Options{
		HTTP: true, Worker: true, Queue: true, Migrate: true,
		Mount:    map[string]http.Handler{"/dev/oidc/": provider.Handler()},
		Listener: listener,
	})
	if err != nil {
		return err
	}
	listener = nil // the app's now
	if _, err := seed.Demo(ctx, a.Pool, "example", issuer, devClientID); err != nil {
		_ = a.Shutdown(ctx)
		return err
	}
	// The configuration is the truth: dev identity providers of earlier runs (another port) sign
	// no one in any more.
	if _, err := auth.DisableOthers(ctx, a.Pool, []string{issuer}); err != nil {
		_ = a.Shutdown(ctx)
		return err
	}
	base := a.PublicURL()
	fmt.Fprintf(stdout, `
Clearpost development server
  GraphQL      %[1]s/graphql    (IDE: %[1]s/graphql/ide)
  OIDC issuer  %[2]s
  Sign in      clearpost dev token marketer@example.com   (then: Authorization: Bearer <token>)
  Demo users   admin@, marketer@, legal@, compliance@, brand@, employee@example.com, ...

`, base, issuer)
	return runApp(ctx, a, cfg)
}

func requireLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("CLEARPOST_HTTP_ADDR: %w", err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("clearpost dev listens on loopback only; CLEARPOST_HTTP_ADDR is %q", addr)
	}
	return nil
}

// devToken asks the running dev server's identity provider for a seeded user's ID token.
func devToken(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) != 1 || !strings.Contains(args[0], "@") {
		return fmt.Errorf("usage: clearpost dev token EMAIL")
	}
	if err := requireLoopback(cfg.HTTPAddr); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	tok, err := devoidc.RequestDevToken(ctx, http.DefaultClient, "http://"+cfg.HTTPAddr+"/dev/oidc", args[0])
	if err != nil {
		return fmt.Errorf("dev token (is `clearpost dev` running on %s?): %w", cfg.HTTPAddr, err)
	}
	fmt.Fprintln(stdout, tok.IDToken)
	return nil
}
