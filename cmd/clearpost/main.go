// Command clearpost is the whole service: serve, worker, migrate, seed, dev and audit.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"clearpost/internal/config"
	"clearpost/internal/tracing"
)

const usage = `clearpost: the employee advocacy hub

usage:
  clearpost serve                 the HTTP API
  clearpost worker                background work: the outbox relay and task handlers (publishing,
                                  search indexing, notifications, ...), periodic sweeps, audit sealing
  clearpost migrate up|down|status
  clearpost seed [-scale]         demo organization, users, workflow and rules; -scale adds
                                  100,000 approved posts, 10,000 employees and 200 boards
  clearpost dev                   API + worker + development identity provider on 127.0.0.1:8080
  clearpost dev token EMAIL       print a bearer token for a seeded user of a running dev server
  clearpost audit verify [ORG]    recompute the audit hash chain and name the first broken event
  clearpost audit export [-format jsonl|csv] ORG
  clearpost audit verify-export [-format jsonl|csv] FILE
  clearpost audit keygen          print a new audit signing key
  clearpost scim token issue|revoke ORG   a bearer token for the IdP's SCIM provisioning
  clearpost reindex [ORG]         rebuild the search index from PostgreSQL (safe while serving)
  clearpost secrets keygen [ID]   print a new key for CLEARPOST_SECRET_KEYS
  clearpost secrets rekey         re-seal stored secrets with the first (newest) key

Configuration comes from CLEARPOST_* environment variables (see the README).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "clearpost:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given")
	}
	cmd, rest := args[0], args[1:]
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	if cmd == "audit" && len(rest) > 0 && rest[0] == "keygen" {
		return auditKeygen(stdout)
	}
	if cmd == "secrets" && len(rest) > 0 && rest[0] == "keygen" {
		return secretsKeygen(rest[1:], stdout)
	}
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	log := newLogger(cfg, stderr)
	switch cmd {
	case "serve":
		return serve(ctx, cfg, log, true, false)
	case "worker":
		return serve(ctx, cfg, log, false, true)
	case "migrate":
		return migrate(ctx, cfg, log, rest, stdout)
	case "seed":
		return seedCmd(ctx, cfg, log, rest, stderr)
	case "dev":
		if len(rest) > 0 && rest[0] == "token" {
			return devToken(ctx, cfg, rest[1:], stdout)
		}
		return dev(ctx, cfg, log, stdout)
	case "audit":
		return auditCmd(ctx, cfg, rest, stdout)
	case "scim":
		return scimCmd(ctx, cfg, rest, stdout)
	case "reindex":
		return reindexCmd(ctx, cfg, log, rest, stderr)
	case "secrets":
		return secretsCmd(ctx, cfg, log, rest, stdout)
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	// Every line logged in a traced request or task carries its trace_id.
	if cfg.LogFormat == "json" {
		return slog.New(tracing.LogHandler(slog.NewJSONHandler(w, opts)))
	}
	return slog.New(tracing.LogHandler(slog.NewTextHandler(w, opts)))
}
