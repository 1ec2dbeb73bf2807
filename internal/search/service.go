package search

import (
	"context"
	"slices"
	"time"

	"clearpost/internal/apperr"

	"github.com/google/uuid"
)

// Scope is what a search asks of the boards feature: whom it searches for, and what they see.
type Scope interface {
	// SearchScope returns the caller's organization and the live boards they see: all of them,
	// or only boardID when it is set (none when that board is archived; NOT_FOUND when it is not
	// theirs).
	SearchScope(ctx context.Context, boardID *uuid.UUID) (org uuid.UUID, boards []uuid.UUID, err error)
	// LivePosts returns which of posts are APPROVED and on one of boards now.
	LivePosts(ctx context.Context, org uuid.UUID, posts, boards []uuid.UUID) ([]uuid.UUID, error)
}

// TokenSigner is an index that signs tokens for clients to search it directly, scoped to an
// organization and boards.
type TokenSigner interface {
	TenantToken(apiKeyUID, apiKey string, org uuid.UUID, boards []uuid.UUID, ttl time.Duration) (string, error)
	UID() string
}

// Service is search in one place: it owns the index, and asks the boards feature only for the
// caller's scope, which every query carries: the index never sees a query without it.
type Service struct {
	index  Index
	scope  Scope
	signer TokenSigner // nil: the index cannot sign, or no search key is configured
	keyUID string
	key    string
}

// NewService searches index within scope. keyUID and key, the search-only key of an index that
// signs tokens, enable Token.
func NewService(index Index, scope Scope, keyUID, key string) *Service {
	s := &Service{index: index, scope: scope, keyUID: keyUID, key: key}
	if signer, ok := index.(TokenSigner); ok && key != "" {
		s.signer = signer
	}
	return s
}

// Input is a search as a person asks it.
type Input struct {
	Text    string
	BoardID *uuid.UUID // one of the caller's boards, or all of them
	Tags    []string
	Channel string
	Limit   int
	After   string
}

// Search finds APPROVED posts on the boards the caller may see (or on one of them).
func (s *Service) Search(ctx context.Context, in Input) (Result, error) {
	org, scope, err := s.scope.SearchScope(ctx, in.BoardID)
	if err != nil || len(scope) == 0 {
		return Result{}, err
	}
	res, err := s.index.Search(ctx, Query{
		OrgID: org, Text: in.Text, BoardIDs: scope, Tags: in.Tags, Channel: in.Channel, Limit: in.Limit, After: in.After,
	})
	if err != nil || len(res.Hits) == 0 {
		return res, err
	}
	// The index follows PostgreSQL within moments (longer while Redis is away): PostgreSQL has the
	// last word on each hit. A post that left APPROVED, left the caller's boards, or whose item
	// expired is dropped.
	ids := make([]uuid.UUID, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.PostID
	}
	live, err := s.scope.LivePosts(ctx, org, ids, scope)
	if err != nil {
		return Result{}, err
	}
	res.Hits = slices.DeleteFunc(res.Hits, func(h Hit) bool { return !slices.Contains(live, h.PostID) })
	return res, nil
}

// Token returns a tenant token scoped to the caller's organization and visible boards, for clients
// that search the index directly, with the index's uid and when the token expires.
func (s *Service) Token(ctx context.Context, ttl time.Duration) (token, indexUID string, expires time.Time, err error) {
	if s.signer == nil {
		return "", "", time.Time{}, apperr.Conflictf("direct search needs the Meilisearch backend with CLEARPOST_MEILI_SEARCH_KEY; search through the search query instead")
	}
	org, scope, err := s.scope.SearchScope(ctx, nil)
	if err != nil {
		return "", "", time.Time{}, err
	}
	expires = time.Now().Add(ttl)
	token, err = s.signer.TenantToken(s.keyUID, s.key, org, scope, ttl)
	return token, s.signer.UID(), expires, err
}
