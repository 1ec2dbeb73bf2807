// Package graph is the GraphQL transport: the schema's resolvers, per-request dataloaders, and the
// handler with its limits and error presenter. Resolvers turn arguments into calls on internal/
// services and return their results; they hold no product logic.
package graph

//go:generate go tool gqlgen generate

import (
	"clearpost/internal/approval"
	"clearpost/internal/auth"
	"clearpost/internal/boards"
	"clearpost/internal/content"
	"clearpost/internal/reports"
	"clearpost/internal/search"
)

// Resolver is the root of the resolvers.
type Resolver struct {
	index     search.Index
	searchKey SearchKey
	boards    *boards.Service
	users     *auth.Users
	content   *content.Service
	approval  *approval.Service
	audit     *reports.Audit
}

// NewResolver returns the root resolver over the services.
func NewResolver(users *auth.Users, c *content.Service, a *approval.Service, b *boards.Service, index search.Index, key SearchKey, audit *reports.Audit) *Resolver {
	return &Resolver{users: users, content: c, approval: a, boards: b, index: index, searchKey: key, audit: audit}
}

// SearchKey is the search-only Meilisearch key that signs tenant tokens (empty: none).
type SearchKey struct {
	UID string
	Key string
}
