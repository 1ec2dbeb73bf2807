package scim

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"clearpost/internal/audit"
	"clearpost/internal/httpserver"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// TokenPrefix starts every SCIM token, so that one is recognised when it leaks (secret scanners)
// and is not mistaken for another credential.
const TokenPrefix = "scim_"

// Beginner starts a transaction: a *pgxpool.Pool, a *pgx.Conn, or a pgx.Tx (a savepoint).
type Beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// IssueToken creates a bearer token for the SCIM client of organization orgID and returns it. Only
// its SHA-256 is stored, so the token cannot be shown again: hand it to the identity provider now.
// An organization may hold several tokens (to rotate one without downtime). The issue is audited.
func IssueToken(ctx context.Context, db Beginner, orgID uuid.UUID) (string, error) {
	var secret [32]byte
	if _, err := rand.Read(secret[:]); err != nil {
		return "", fmt.Errorf("issue scim token: %w", err)
	}
	token := TokenPrefix + base64.RawURLEncoding.EncodeToString(secret[:])
	hash := hashToken(token)
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		id, err := insertToken(ctx, tx, orgID, hash[:])
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{
			OrgID: orgID, Action: "scim_token.issued", SubjectType: "scim_token", SubjectID: id.String(),
		})
	})
	if err != nil {
		return "", fmt.Errorf("issue scim token: %w", err)
	}
	return token, nil
}

// RevokeTokens deletes every SCIM token of organization orgID and returns how many there were.
// Requests with them are refused from then on. The revocation is audited.
func RevokeTokens(ctx context.Context, db Beginner, orgID uuid.UUID) (int, error) {
	var n int
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		ids, err := deleteTokens(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if n = len(ids); n == 0 {
			return nil
		}
		return audit.Record(ctx, tx, audit.Event{
			OrgID: orgID, Action: "scim_token.revoked", SubjectType: "organization", SubjectID: orgID.String(),
			Details: map[string]any{"token_ids": ids},
		})
	})
	if err != nil {
		return 0, fmt.Errorf("revoke scim tokens: %w", err)
	}
	return n, nil
}

func hashToken(token string) [sha256.Size]byte { return sha256.Sum256([]byte(token)) }

// authenticate finds the organization of the request's bearer token. The token is looked up by its
// hash, so neither a timing difference nor the database reveals it; it is never logged.
func (s *Server) authenticate(r *http.Request) (client, error) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return client{}, &scimError{Status: http.StatusUnauthorized, Detail: "Authorization: Bearer <token> is required"}
	}
	ctx := r.Context()
	hash := hashToken(token)
	c, stale, err := tokenClient(ctx, s.pool, hash[:])
	if postgres.NoRows(err) {
		httpserver.Logger(ctx, s.log).InfoContext(ctx, "scim token refused", slog.String("path", r.URL.Path))
		return client{}, &scimError{Status: http.StatusUnauthorized, Detail: "invalid bearer token"}
	}
	if err != nil {
		return client{}, fmt.Errorf("look up scim token: %w", err)
	}
	if stale {
		if err := touchToken(ctx, s.pool, c.tokenID); err != nil {
			httpserver.Logger(ctx, s.log).WarnContext(ctx, "scim token last use not recorded", slog.Any("error", err))
		}
	}
	return c, nil
}
