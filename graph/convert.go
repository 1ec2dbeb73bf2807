package graph

import (
	"context"
	"encoding/hex"
	"maps"
	"slices"
	"strings"
	"time"

	"clearpost/graph/model"
	"clearpost/internal/approval"
	"clearpost/internal/audit"
	"clearpost/internal/auth"
	"clearpost/internal/boards"
	"clearpost/internal/publish"
	"clearpost/internal/reports"
	"clearpost/internal/search"

	"github.com/google/uuid"
)

// Inputs that have no domain twin are turned into domain values here, and nothing else.

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func seconds(n *int) time.Duration { return time.Duration(deref(n)) * time.Second }

func workflowInput(in model.WorkflowInput) approval.WorkflowInput {
	out := approval.WorkflowInput{Name: in.Name, Description: deref(in.Description), IsDefault: deref(in.IsDefault)}
	for _, s := range in.Stages {
		st := approval.Stage{Name: s.Name, SLA: seconds(s.SLASeconds), EscalateTo: deref(s.EscalateTo)}
		for _, g := range s.Groups {
			st.Groups = append(st.Groups, *g)
		}
		out.Stages = append(out.Stages, st)
	}
	return out
}

func ruleInput(in model.RoutingRuleInput) approval.RuleInput {
	out := approval.RuleInput{
		Name: in.Name, Description: deref(in.Description), Expression: in.Expression,
		Priority: deref(in.Priority), Enabled: in.Enabled == nil || *in.Enabled,
	}
	if a := in.Action; a != nil {
		out.Action = approval.Action{
			Kind: a.Kind, Group: deref(a.Group), Quorum: deref(a.Quorum), Position: deref(a.Position),
			StageName: deref(a.StageName), SLA: seconds(a.SLASeconds), WorkflowID: a.WorkflowID,
		}
	}
	return out
}

func userFilter(f *model.UserFilter) auth.UserFilter {
	if f == nil {
		return auth.UserFilter{}
	}
	return auth.UserFilter{Query: deref(f.Query), Role: deref(f.Role), Group: deref(f.Group)}
}

func auditFilter(f *model.AuditFilter) audit.EventFilter {
	if f == nil {
		return audit.EventFilter{}
	}
	return audit.EventFilter{SubjectType: deref(f.SubjectType), SubjectID: deref(f.SubjectID), Action: deref(f.Action), ActorID: f.ActorID}
}

func (r *Resolver) decide(ctx context.Context, in model.DecisionInput, kind approval.DecisionKind) (*model.DecisionPayload, error) {
	d, post, err := r.approval.Decide(ctx, approval.DecisionInput{
		PostID: in.PostID, VersionID: in.VersionID, ContentHash: deref(in.ContentHash), Kind: kind, Comment: deref(in.Comment),
	})
	if err != nil {
		return nil, err
	}
	return &model.DecisionPayload{Decision: d, Post: post}, nil
}

type edge[T any] struct {
	cursor string
	node   T
}

// listPage pages a short list that is read whole (workflows, rules): the cursor is the id of the
// last item returned, so a page starts after that item even if items were added meanwhile.
func listPage[T any](items []T, first *int, after *string, id func(T) uuid.UUID) ([]edge[T], *model.PageInfo, error) {
	limit, err := pageSize(first, 200)
	if err != nil {
		return nil, nil, err
	}
	cursor, err := decodeCursor[uuid.UUID](after)
	if err != nil {
		return nil, nil, err
	}
	start := 0
	if cursor != nil {
		i := slices.IndexFunc(items, func(it T) bool { return id(it) == *cursor })
		if i < 0 {
			return nil, nil, badInput("after", "names an item that no longer exists")
		}
		start = i + 1
	}
	items, more := page(items[start:], limit)
	edges := make([]edge[T], len(items))
	var pc pageCursors
	for i, it := range items {
		end := pc.add(encodeCursor(id(it)))
		edges[i] = edge[T]{cursor: end, node: it}
	}
	return edges, pc.info(after, more), nil
}

// reviewStages joins a review's frozen plan with its per-group progress.
func reviewStages(r *approval.Review, progress []approval.GroupProgress) []*model.ReviewStage {
	out := make([]*model.ReviewStage, len(r.Plan.Stages))
	for i, st := range r.Plan.Stages {
		rs := &model.ReviewStage{Number: i + 1, Name: st.Name, SLASeconds: int(st.SLA / time.Second), EscalateTo: st.EscalateTo, Cleared: true}
		for _, g := range st.Groups {
			rg := &model.ReviewGroup{Group: g.Group, Quorum: &g.Quorum}
			for _, p := range progress {
				if p.Stage == i+1 && p.Group == g.Group {
					rg.Required, rg.Approvals, rg.ClearedAt = p.Required, p.Approvals, p.ClearedAt
				}
			}
			rs.Cleared = rs.Cleared && rg.ClearedAt != nil
			rs.Groups = append(rs.Groups, rg)
		}
		out[i] = rs
	}
	return out
}

func verification(r reports.Verification) *model.AuditVerification {
	v := &model.AuditVerification{
		Ok: r.OK(), Verified: int(r.Verified), Unsealed: int(r.Unsealed), HeadSeq: int(r.HeadSeq),
		FirstBroken: r.FirstBroken, Checkpoint: r.Checkpoint, CheckpointValid: r.CheckpointValid,
		CheckpointTrusted: r.CheckpointTrusted,
	}
	if r.HeadHash != nil {
		h := hex.EncodeToString(r.HeadHash)
		v.HeadHash = &h
	}
	return v
}

func boardInput(in model.BoardInput) boards.Input {
	a := in.Audience
	return boards.Input{
		Name: in.Name, Description: deref(in.Description), CoverURL: deref(in.CoverURL), Curators: in.CuratorIds,
		Audience: boards.Audience{Everyone: a.Everyone, Groups: a.Groups, Departments: a.Departments, Regions: a.Regions},
	}
}

func (r *Resolver) feed(ctx context.Context, first *int, after *string, board *uuid.UUID) (*model.FeedConnection, error) {
	limit, err := pageSize(first, 100)
	if err != nil {
		return nil, err
	}
	cursor, err := decodeCursor[boards.FeedCursor](after)
	if err != nil {
		return nil, err
	}
	items, more, err := r.boards.Feed(ctx, board, cursor, limit)
	if err != nil {
		return nil, err
	}
	// The items' posts and versions in one query, primed into this request's loaders.
	ids := make([]uuid.UUID, len(items))
	for i := range items {
		ids[i] = items[i].PostID
	}
	posts, versions, err := r.content.FeedPosts(ctx, ids)
	if err != nil {
		return nil, err
	}
	l := loadersFor(ctx)
	for id, po := range posts {
		l.approvedPost.Prime(id, po)
		l.currentVersion.Prime(id, versions[id])
	}
	// A post that left APPROVED between the two queries is left out; paging goes on after it.
	conn := &model.FeedConnection{Edges: make([]*model.FeedEdge, 0, len(items))}
	var pc pageCursors
	for i := range items {
		it := &items[i]
		end := pc.add(encodeCursor(boards.FeedCursor{Pinned: it.Pinned, Position: it.Position, PostID: it.PostID}))
		if posts[it.PostID] != nil {
			conn.Edges = append(conn.Edges, &model.FeedEdge{Cursor: end, Node: it})
		}
	}
	conn.PageInfo = pc.info(after, more)
	return conn, nil
}

// boardsByID returns the caller's boards among ids, in order (boards are few and read whole).
func (r *Resolver) boardsByID(ctx context.Context, ids []uuid.UUID) ([]*boards.Board, error) {
	byID, err := loadersFor(ctx).boards()
	if err != nil {
		return nil, err
	}
	out := make([]*boards.Board, 0, len(ids))
	for _, id := range ids {
		if b, ok := byID[id]; ok {
			out = append(out, b)
		}
	}
	return out, nil
}

func (r *Resolver) searchConnection(res search.Result, after *string) *model.SearchConnection {
	conn := &model.SearchConnection{Total: res.Total, Edges: make([]*model.SearchEdge, len(res.Hits)),
		TagFacets: []*model.TagFacet{}, BoardCounts: res.BoardFacets}
	// Relevance has no keyset: every edge of a page carries the cursor of the next page.
	for i := range res.Hits {
		conn.Edges[i] = &model.SearchEdge{Cursor: res.Next, Node: &res.Hits[i]}
	}
	conn.PageInfo = &model.PageInfo{HasNextPage: res.Next != "", HasPreviousPage: after != nil && *after != ""}
	if res.Next != "" && len(res.Hits) > 0 {
		conn.PageInfo.StartCursor, conn.PageInfo.EndCursor = &res.Next, &res.Next
	}
	for tag, n := range res.TagFacets {
		conn.TagFacets = append(conn.TagFacets, &model.TagFacet{Tag: tag, Count: n})
	}
	slices.SortFunc(conn.TagFacets, func(a, b *model.TagFacet) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Tag, b.Tag)
	})
	return conn
}

// boardFacets names the boards of a search's facet counts, most matches first.
func (r *Resolver) boardFacets(ctx context.Context, counts map[uuid.UUID]int) ([]*model.BoardFacet, error) {
	named, err := r.boardsByID(ctx, slices.Collect(maps.Keys(counts)))
	if err != nil {
		return nil, err
	}
	out := make([]*model.BoardFacet, 0, len(named))
	for _, b := range named {
		out = append(out, &model.BoardFacet{Board: b, Count: counts[b.ID]})
	}
	slices.SortFunc(out, func(a, b *model.BoardFacet) int { return b.Count - a.Count })
	return out, nil
}

// credentials turns credential inputs into a map.
func credentials(in []*model.CredentialInput) map[string]string {
	if in == nil {
		return nil
	}
	out := make(map[string]string, len(in))
	for _, c := range in {
		out[c.Key] = c.Value
	}
	return out
}

// channelsByID loads channels in the order of ids, skipping any that is gone.
func channelsByID(ctx context.Context, ids []uuid.UUID) ([]*publish.Channel, error) {
	out := make([]*publish.Channel, 0, len(ids))
	for _, id := range ids {
		ch, err := optional(loadersFor(ctx).channel.Load(ctx, id))
		if err != nil {
			return nil, err
		}
		if ch != nil {
			out = append(out, ch)
		}
	}
	return out, nil
}

// membership returns v, a user's roles, groups, department or region, to those who may read them.
func membership[T any](ctx context.Context, u *auth.User, v T) (T, error) {
	if err := auth.MayReadMembership(ctx, u); err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

// leaderboardPeriod is the leaderboard's period: to defaults to now, from to 30 days before to.
func leaderboardPeriod(from, to *time.Time) (start, end time.Time) {
	end = time.Now()
	if to != nil {
		end = *to
	}
	start = end.AddDate(0, 0, -30)
	if from != nil {
		start = *from
	}
	return start, end
}
