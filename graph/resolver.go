// Package graph is the GraphQL transport: the schema's resolvers, per-request dataloaders, and the
// handler with its limits and error presenter. Resolvers turn arguments into calls on internal/
// services and return their results; they hold no product logic.
package graph

//go:generate go tool gqlgen generate

import (
	"clearpost/internal/advocacy"
	"clearpost/internal/approval"
	"clearpost/internal/auth"
	"clearpost/internal/boards"
	"clearpost/internal/content"
	"clearpost/internal/notify"
	"clearpost/internal/publish"
	"clearpost/internal/reports"
	"clearpost/internal/search"
	"clearpost/internal/webhooks"
)

// Resolver is the root of the resolvers.
type Resolver struct {
	search   *search.Service
	boards   *boards.Service
	users    *auth.Users
	content  *content.Service
	approval *approval.Service
	audit    *reports.Audit
	publish  *publish.Service
	webhooks *webhooks.Service
	advocacy *advocacy.Service
	notify   *notify.Service
	hub      *notify.Hub
}

// NewResolver returns the root resolver over the services.
func NewResolver(s Services) *Resolver {
	return &Resolver{users: s.Users, content: s.Content, approval: s.Approval, boards: s.Boards, search: s.Search,
		audit: s.Audit, publish: s.Publish, webhooks: s.Webhooks,
		advocacy: s.Advocacy, notify: s.Notify, hub: s.Hub}
}

// Services are what the resolvers call.
type Services struct {
	Users    *auth.Users
	Content  *content.Service
	Approval *approval.Service
	Boards   *boards.Service
	Search   *search.Service
	Audit    *reports.Audit
	Publish  *publish.Service
	Webhooks *webhooks.Service
	Advocacy *advocacy.Service
	Notify   *notify.Service
	Hub      *notify.Hub
}
