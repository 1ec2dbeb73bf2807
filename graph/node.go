package graph

import (
	"context"

	"clearpost/graph/model"
	"clearpost/internal/apperr"
	"clearpost/internal/auth"

	"github.com/google/uuid"
)

// nodeLookups fetch one type of Node by id, each through its own service and so with that
// service's organization scope and role checks. Ids are random UUIDs, unique across tables, so at
// most one lookup finds anything. The types employees reach come first.
func (r *Resolver) nodeLookups() []func(context.Context, uuid.UUID) (model.Node, error) {
	return []func(context.Context, uuid.UUID) (model.Node, error){
		func(ctx context.Context, id uuid.UUID) (model.Node, error) { return r.content.Get(ctx, id) },
		func(ctx context.Context, id uuid.UUID) (model.Node, error) { return r.boards.Get(ctx, id) },
		func(ctx context.Context, id uuid.UUID) (model.Node, error) { return r.advocacy.Get(ctx, id) },
		func(ctx context.Context, id uuid.UUID) (model.Node, error) { return r.notify.Get(ctx, id) },
		func(ctx context.Context, id uuid.UUID) (model.Node, error) { return r.approval.Workflow(ctx, id) },
		func(ctx context.Context, id uuid.UUID) (model.Node, error) {
			rules, err := r.approval.Rules(ctx)
			if err != nil {
				return nil, err
			}
			for _, rule := range rules {
				if rule.ID == id {
					return rule, nil
				}
			}
			return nil, apperr.NotFoundf("routing rule %s not found", id)
		},
		func(ctx context.Context, id uuid.UUID) (model.Node, error) {
			// Channels as the channels query lists them, for those who may list them.
			channels, err := r.publish.Channels(ctx)
			if err != nil {
				return nil, err
			}
			for _, c := range channels {
				if c.ID == id {
					return c, nil
				}
			}
			return nil, apperr.NotFoundf("channel %s not found", id)
		},
		func(ctx context.Context, id uuid.UUID) (model.Node, error) { return r.webhooks.Get(ctx, id) },
	}
}

// node finds the object with id among the caller's. What the caller may not see (another
// organization's, or a type their roles do not reach) is null, as what does not exist is.
func (r *Resolver) node(ctx context.Context, id uuid.UUID) (model.Node, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	for _, lookup := range r.nodeLookups() {
		n, err := lookup(ctx, id)
		if err == nil {
			return n, nil
		}
		switch apperr.CodeOf(err) {
		case apperr.NotFound, apperr.Forbidden:
			continue
		default:
			return nil, err
		}
	}
	return nil, nil
}
