package graph

import (
	"context"
	"net/http"
	"sync"
	"time"

	"clearpost/internal/advocacy"
	"clearpost/internal/approval"
	"clearpost/internal/auth"
	"clearpost/internal/boards"
	"clearpost/internal/content"
	"clearpost/internal/publish"

	"github.com/google/uuid"
	"github.com/vikstrous/dataloadgen"
)

// loaders batch the N+1 edges of one request. They are created per request, so they cache only
// within it and always run with the caller's principal (services scope every batch by organization).
type loaders struct {
	// boards the caller may see, read once per request (they are few; search hits and facets
	// name them by id)
	boards func() (map[uuid.UUID]*boards.Board, error)

	user           *dataloadgen.Loader[uuid.UUID, *auth.User]
	currentVersion *dataloadgen.Loader[uuid.UUID, *content.Version]
	approvedPost   *dataloadgen.Loader[uuid.UUID, *content.Post]
	latestReview   *dataloadgen.Loader[uuid.UUID, *approval.Review]
	progress       *dataloadgen.Loader[uuid.UUID, []approval.GroupProgress]
	decisions      *dataloadgen.Loader[uuid.UUID, []*approval.Decision]
	comments       *dataloadgen.Loader[uuid.UUID, []*approval.Comment]
	channel        *dataloadgen.Loader[uuid.UUID, *publish.Channel]
	publishJobs    *dataloadgen.Loader[uuid.UUID, []*publish.Job]
	shareCounts    *dataloadgen.Loader[uuid.UUID, advocacy.Counts]
}

type loadersKey struct{}

const batchWait = 200 * time.Microsecond

func newLoaders(r *Resolver) *loaders {
	wait := dataloadgen.WithWait(batchWait)
	return &loaders{
		user: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*auth.User, error) {
			p, err := auth.Require(ctx)
			if err != nil {
				return nil, err
			}
			return r.users.ByIDs(ctx, p.OrgID, ids)
		}, wait),
		currentVersion: dataloadgen.NewMappedLoader(r.content.CurrentVersions, wait),
		approvedPost:   dataloadgen.NewMappedLoader(r.content.PostsByIDs, wait),
		latestReview:   dataloadgen.NewMappedLoader(r.approval.LatestReviews, wait),
		progress:       dataloadgen.NewMappedLoader(r.approval.ReviewProgress, wait),
		decisions:      dataloadgen.NewMappedLoader(r.approval.DecisionsOf, wait),
		comments:       dataloadgen.NewMappedLoader(r.approval.CommentsOf, wait),
		channel:        dataloadgen.NewMappedLoader(r.publish.ChannelsByIDs, wait),
		publishJobs:    dataloadgen.NewMappedLoader(r.publish.JobsOf, wait),
		shareCounts:    dataloadgen.NewMappedLoader(r.advocacy.Counts, wait),
	}
}

func withLoaders(next http.Handler, r *Resolver) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		l := newLoaders(r)
		ctx := context.WithValue(req.Context(), loadersKey{}, l)
		l.boards = sync.OnceValues(func() (map[uuid.UUID]*boards.Board, error) {
			all, err := r.boards.List(ctx, false)
			if err != nil {
				return nil, err
			}
			byID := make(map[uuid.UUID]*boards.Board, len(all))
			for _, b := range all {
				byID[b.ID] = b
			}
			return byID, nil
		})
		next.ServeHTTP(w, req.WithContext(ctx))
	})
}

func loadersFor(ctx context.Context) *loaders {
	return ctx.Value(loadersKey{}).(*loaders)
}

// optional turns a loader's not-found into nil: for edges that may be absent.
func optional[T any](v *T, err error) (*T, error) {
	if err == dataloadgen.ErrNotFound {
		return nil, nil
	}
	return v, err
}

// many turns a loader's not-found into an empty list.
func many[T any](v []T, err error) ([]T, error) {
	if err == dataloadgen.ErrNotFound {
		return []T{}, nil
	}
	return v, err
}
