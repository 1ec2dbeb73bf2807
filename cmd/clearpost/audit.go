package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"clearpost/internal/audit"
	"clearpost/internal/config"
	"clearpost/internal/postgres"
	"clearpost/internal/seed"

	"github.com/google/uuid"
)

func auditKeygen(stdout io.Writer) error {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return err
	}
	fmt.Fprintln(stdout, base64.StdEncoding.EncodeToString(seed))
	return nil
}

func auditCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: clearpost audit verify|export|verify-export|keygen")
	}
	fs := flag.NewFlagSet("audit "+args[0], flag.ContinueOnError)
	format := fs.String("format", "jsonl", "jsonl or csv")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if args[0] == "verify-export" {
		if fs.NArg() != 1 {
			return errors.New("usage: clearpost audit verify-export [-format jsonl|csv] FILE")
		}
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return err
		}
		defer f.Close()
		res, err := audit.VerifyExport(bufio.NewReader(f), *format)
		if err != nil {
			return err
		}
		return report(stdout, fs.Arg(0), res, cfg.AuditSigningKey)
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL, 4)
	if err != nil {
		return err
	}
	defer pool.Close()
	orgs, err := organizations(ctx, pool, fs.Args())
	if err != nil {
		return err
	}
	switch args[0] {
	case "verify":
		var failed int
		for _, o := range orgs {
			res, err := audit.Verify(ctx, pool, o.id)
			if err != nil {
				return err
			}
			if report(stdout, o.slug, res, cfg.AuditSigningKey) != nil {
				failed++
			}
		}
		if failed > 0 {
			return fmt.Errorf("%d organization(s) failed verification", failed)
		}
		return nil
	case "export":
		if len(orgs) != 1 {
			return errors.New("usage: clearpost audit export [-format jsonl|csv] ORG")
		}
		w := bufio.NewWriter(stdout)
		if err := audit.Export(ctx, pool, orgs[0].id, w, *format); err != nil {
			return err
		}
		return w.Flush()
	}
	return fmt.Errorf("unknown audit command %q", args[0])
}

type org struct {
	id   uuid.UUID
	slug string
}

// organizations returns the organizations named by slug, or all of them.
func organizations(ctx context.Context, db postgres.DB, slugs []string) ([]org, error) {
	rows, err := db.Query(ctx, `SELECT id, slug FROM organizations WHERE cardinality($1::text[]) = 0 OR slug = ANY($1) ORDER BY slug`, slugs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []org
	for rows.Next() {
		var o org
		if err := rows.Scan(&o.id, &o.slug); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	if len(out) < len(slugs) {
		return nil, fmt.Errorf("no organization %v", slugs)
	}
	return out, rows.Err()
}

// report prints a verification. With key, the checkpoint must also be signed by its public half:
// a chain rebuilt and re-signed with another key is refused.
func report(w io.Writer, name string, r audit.Result, key ed25519.PrivateKey) error {
	if r.FirstBroken != nil {
		fmt.Fprintf(w, "%s: BROKEN at event %d (seq %d): %s; %d events verified before it\n",
			name, r.FirstBroken.EventID, r.FirstBroken.Seq, r.FirstBroken.Reason, r.Verified)
		return errors.New("broken")
	}
	cp := "no checkpoint"
	if r.Checkpoint != nil {
		cp = fmt.Sprintf("checkpoint at seq %d valid=%t %s", r.Checkpoint.Seq, r.CheckpointValid, r.CheckpointProblem)
	}
	signer := "signer not checked (set CLEARPOST_AUDIT_SIGNING_KEY to check it)"
	if key != nil && r.Checkpoint != nil {
		if !r.SignedBy(key.Public().(ed25519.PublicKey)) {
			fmt.Fprintf(w, "%s: UNTRUSTED: the latest checkpoint is not signed with this service's key\n", name)
			return errors.New("untrusted")
		}
		signer = "signed with this service's key"
	}
	fmt.Fprintf(w, "%s: ok, %d events verified, head seq %d hash %s, %d unsealed, %s, %s\n",
		name, r.Verified, r.HeadSeq, hex.EncodeToString(r.HeadHash), r.Unsealed, cp, signer)
	if !r.OK() {
		return errors.New("checkpoint")
	}
	return nil
}

// seedCmd writes the demo organization; with -scale, the benchmark dataset into an existing
// organization (default: the demo organization of `clearpost dev`), then indexes it.
func seedCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	scale := fs.Bool("scale", false, "add the benchmark dataset: 100,000 approved posts, 10,000 employees, 200 boards")
	orgSlug := fs.String("org", "example", "with -scale: the organization to fill")
	posts := fs.Int("posts", seed.DefaultScale.Posts, "with -scale: approved posts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL, 4)
	if err != nil {
		return err
	}
	defer pool.Close()
	if *scale {
		orgs, err := organizations(ctx, pool, []string{*orgSlug})
		if err != nil {
			return fmt.Errorf("%w (run `clearpost dev` once to create it, or name another with -org)", err)
		}
		o := seed.DefaultScale
		o.Posts = *posts
		start := time.Now()
		if err := seed.Scale(ctx, pool, orgs[0].id, o); err != nil {
			return err
		}
		log.Info("scale dataset written", slog.Int("posts", o.Posts), slog.Int("employees", o.Employees), slog.Int("boards", o.Boards), slog.Duration("took", time.Since(start)))
		return reindexCmd(ctx, cfg, log, []string{*orgSlug}, stderr)
	}
	if cfg.OIDCIssuer == "" {
		return errors.New("CLEARPOST_OIDC_ISSUER: required: the demo organization's users sign in there")
	}
	id, err := seed.Demo(ctx, pool, cfg.OrgSlug, cfg.OIDCIssuer, cfg.OIDCClientID)
	if err != nil {
		return err
	}
	log.Info("demo data seeded", slog.String("org_id", id.String()), slog.String("org", cfg.OrgSlug))
	return nil
}
