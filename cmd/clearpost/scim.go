package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"clearpost/internal/config"
	"clearpost/internal/postgres"
	"clearpost/internal/scim"
)

// scimCmd issues and revokes an organization's SCIM bearer tokens.
func scimCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) != 3 || args[0] != "token" || (args[1] != "issue" && args[1] != "revoke") {
		return errors.New("usage: clearpost scim token issue|revoke ORG")
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	orgs, err := organizations(ctx, pool, args[2:])
	if err != nil {
		return err
	}
	if args[1] == "revoke" {
		n, err := scim.RevokeTokens(ctx, pool, orgs[0].id)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked %d SCIM token(s) of %s\n", n, orgs[0].slug)
		return nil
	}
	tok, err := scim.IssueToken(ctx, pool, orgs[0].id)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	return nil
}
