package scim

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"clearpost/internal/audit"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// createGroup is POST /Groups.
func (s *Server) createGroup(w http.ResponseWriter, r *http.Request, req request) error {
	body, err := readObject(r)
	if err != nil {
		return err
	}
	e, err := groupFromBody(body, group{})
	if err != nil {
		return err
	}
	ctx := r.Context()
	var out *group
	var members []ref
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		out, err = insertGroup(ctx, tx, req.orgID, &e.g)
		if err != nil {
			return fmt.Errorf("save group: %w", err)
		}
		joined, _, err := setMembers(ctx, tx, req.orgID, out.ID, nil, e.memberIDs())
		if err != nil {
			return err
		}
		changes, err := s.recomputeClaims(ctx, tx, req.orgID, joined)
		if err != nil {
			return err
		}
		err = audit.Record(ctx, tx, audit.Event{
			OrgID: req.orgID, ActorEmail: actor, Action: "group.scim_created", SubjectType: "group", SubjectID: out.ID.String(),
			Details: auditDetails(req.client, map[string]any{
				"display_name": out.DisplayName, "external_id": deref(out.ExternalID),
				"members": nonNilIDs(joined), "claims_changed": changes,
			}),
		})
		if err != nil {
			return err
		}
		members, err = loadMembers(ctx, tx, req.orgID, out.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("create group %q: %w", e.g.DisplayName, err)
	}
	res := out.resource(req.client, members)
	w.Header().Set("Location", res.Meta.Location)
	w.Header().Set("ETag", res.Meta.Version)
	writeJSON(w, http.StatusCreated, res)
	return nil
}

// getGroup is GET /Groups/{id}.
func (s *Server) getGroup(w http.ResponseWriter, r *http.Request, req request) error {
	id, err := parseID("group", req.id)
	if err != nil {
		return err
	}
	ctx := r.Context()
	g, err := loadGroup(ctx, s.pool, req.orgID, id, false)
	if err != nil {
		return err
	}
	var members []ref
	if !excluded(r.URL.Query(), "members") {
		if members, err = loadMembers(ctx, s.pool, req.orgID, id); err != nil {
			return err
		}
	}
	res := g.resource(req.client, members)
	w.Header().Set("ETag", res.Meta.Version)
	writeJSON(w, http.StatusOK, res)
	return nil
}

// loadMembers returns the members of a group, never nil.
func loadMembers(ctx context.Context, db postgres.DB, org, group uuid.UUID) ([]ref, error) {
	byGroup, err := loadMembersOf(ctx, db, org, []uuid.UUID{group})
	if err != nil {
		return nil, err
	}
	if byGroup[group] == nil {
		return []ref{}, nil
	}
	return byGroup[group], nil
}

// groupQuery is what a filter on groups asks for: every set field must match.
type groupQuery struct {
	id          *uuid.UUID
	displayName *string
	externalID  *string
	member      *uuid.UUID
	none        bool
}

// groupQueryOf turns a filter into a groupQuery: eq on id, displayName and externalId, and
// members[value eq "id"] (or members.value eq "id"), which Entra ID uses to check a membership.
func groupQueryOf(f filterExpr) (groupQuery, error) {
	var q groupQuery
	uuidOf := func(c comparison) (uuid.UUID, bool, error) {
		s, err := filterString(c)
		if err != nil {
			return uuid.Nil, false, err
		}
		id, err := uuid.Parse(s)
		return id, err == nil, nil
	}
	for _, c := range f {
		p := c.path
		switch {
		case p.is("id", "") && p.filter == nil:
			id, ok, err := uuidOf(c)
			if err != nil {
				return q, err
			}
			if !ok {
				q.none = true
				continue
			}
			setOnce(&q.id, id, &q.none)
		case p.is("displayname", "") && p.filter == nil:
			s, err := filterString(c)
			if err != nil {
				return q, err
			}
			setOnce(&q.displayName, s, &q.none)
		case p.is("externalid", "") && p.filter == nil:
			s, err := filterString(c)
			if err != nil {
				return q, err
			}
			setOnce(&q.externalID, s, &q.none)
		case p.is("members", "value") && p.filter == nil,
			p.is("members", "") && len(p.filter) == 1 && p.filter[0].path.is("value", ""):
			if p.filter != nil {
				c = p.filter[0]
			}
			id, ok, err := uuidOf(c)
			if err != nil {
				return q, err
			}
			if !ok {
				q.none = true
				continue
			}
			setOnce(&q.member, id, &q.none)
		default:
			return q, badRequest(typeInvalidFilter, "filtering groups on %q is not supported (id, displayName, externalId, members are)", p.raw)
		}
	}
	return q, nil
}

// listGroups is GET /Groups, with filter, startIndex, count and excludedAttributes=members.
func (s *Server) listGroups(w http.ResponseWriter, r *http.Request, req request) error {
	params := r.URL.Query()
	pg, err := parsePage(params)
	if err != nil {
		return err
	}
	var q groupQuery
	if f := params.Get("filter"); f != "" {
		expr, err := parseFilter(f)
		if err != nil {
			return err
		}
		if q, err = groupQueryOf(expr); err != nil {
			return err
		}
	}
	if q.none {
		writeJSON(w, http.StatusOK, newList(pg, 0, nil))
		return nil
	}
	ctx := r.Context()
	total, err := countGroups(ctx, s.pool, req.orgID, q)
	if err != nil {
		return fmt.Errorf("count groups: %w", err)
	}
	var groups []*group
	if pg.count > 0 && pg.offset() < total {
		groups, err = findGroups(ctx, s.pool, req.orgID, q, pg.offset(), pg.count)
		if err != nil {
			return fmt.Errorf("list groups: %w", err)
		}
	}
	var members map[uuid.UUID][]ref
	withMembers := !excluded(params, "members")
	if withMembers && len(groups) > 0 {
		ids := make([]uuid.UUID, len(groups))
		for i, g := range groups {
			ids[i] = g.ID
		}
		if members, err = loadMembersOf(ctx, s.pool, req.orgID, ids); err != nil {
			return err
		}
	}
	res := make([]any, len(groups))
	for i, g := range groups {
		var ms []ref
		if withMembers {
			ms = members[g.ID]
			if ms == nil {
				ms = []ref{}
			}
		}
		res[i] = g.resource(req.client, ms)
	}
	writeJSON(w, http.StatusOK, newList(pg, total, res))
	return nil
}

// replaceGroup is PUT /Groups/{id}: the body's members become the members. externalId keeps its
// value when the body leaves it out.
func (s *Server) replaceGroup(w http.ResponseWriter, r *http.Request, req request) error {
	id, err := parseID("group", req.id)
	if err != nil {
		return err
	}
	body, err := readObject(r)
	if err != nil {
		return err
	}
	out, members, err := s.updateGroup(r.Context(), req, id, func(cur *group, _ []uuid.UUID) (*groupEdit, error) {
		return groupFromBody(body, group{ID: cur.ID, ExternalID: cur.ExternalID, CreatedAt: cur.CreatedAt, UpdatedAt: cur.UpdatedAt})
	})
	if err != nil {
		return err
	}
	res := out.resource(req.client, members)
	w.Header().Set("ETag", res.Meta.Version)
	writeJSON(w, http.StatusOK, res)
	return nil
}

// patchGroup is PATCH /Groups/{id}. It answers 204 No Content (RFC 7644 section 3.5.2 allows it):
// a group's member list can be long, and neither Okta nor Entra ID reads it back.
func (s *Server) patchGroup(w http.ResponseWriter, r *http.Request, req request) error {
	id, err := parseID("group", req.id)
	if err != nil {
		return err
	}
	ops, err := readPatch(r)
	if err != nil {
		return err
	}
	_, _, err = s.updateGroup(r.Context(), req, id, func(cur *group, members []uuid.UUID) (*groupEdit, error) {
		e := newGroupEdit(*cur, members)
		if err := applyPatch(ops, e.set); err != nil {
			return nil, err
		}
		return e, e.finish()
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// updateGroup locks group id, computes its new state with edit, saves it, recomputes the claims of
// the users it affects, and returns the group with its members.
func (s *Server) updateGroup(ctx context.Context, req request, id uuid.UUID, edit func(cur *group, members []uuid.UUID) (*groupEdit, error)) (*group, []ref, error) {
	var out *group
	var members []ref
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		cur, err := loadGroup(ctx, tx, req.orgID, id, true)
		if err != nil {
			return err
		}
		before, err := memberIDs(ctx, tx, req.orgID, id)
		if err != nil {
			return err
		}
		e, err := edit(cur, before)
		if err != nil {
			return err
		}
		next := e.memberIDs()
		joined, left, err := setMembers(ctx, tx, req.orgID, id, before, next)
		if err != nil {
			return err
		}
		renamed := cur.DisplayName != e.g.DisplayName
		if !renamed && deref(cur.ExternalID) == deref(e.g.ExternalID) && len(joined) == 0 && len(left) == 0 {
			out = cur
			members, err = loadMembers(ctx, tx, req.orgID, id)
			return err
		}
		out, err = updateGroupRow(ctx, tx, req.orgID, id, &e.g)
		if err != nil {
			return fmt.Errorf("save group: %w", err)
		}
		affected := slices.Concat(joined, left)
		if renamed {
			affected = append(affected, next...)
		}
		changes, err := s.recomputeClaims(ctx, tx, req.orgID, affected)
		if err != nil {
			return err
		}
		details := map[string]any{"joined": nonNilIDs(joined), "left": nonNilIDs(left), "claims_changed": changes}
		if renamed {
			details["display_name"] = map[string]any{"before": cur.DisplayName, "after": out.DisplayName}
		}
		if deref(cur.ExternalID) != deref(out.ExternalID) {
			details["external_id"] = map[string]any{"before": deref(cur.ExternalID), "after": deref(out.ExternalID)}
		}
		err = audit.Record(ctx, tx, audit.Event{
			OrgID: req.orgID, ActorEmail: actor, Action: "group.scim_updated", SubjectType: "group", SubjectID: id.String(),
			Details: auditDetails(req.client, details),
		})
		if err != nil {
			return err
		}
		members, err = loadMembers(ctx, tx, req.orgID, id)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("update group %s: %w", id, err)
	}
	return out, members, nil
}

// deleteGroup is DELETE /Groups/{id}: the group goes, and its members lose what it mapped to.
func (s *Server) deleteGroup(w http.ResponseWriter, r *http.Request, req request) error {
	id, err := parseID("group", req.id)
	if err != nil {
		return err
	}
	ctx := r.Context()
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		cur, err := loadGroup(ctx, tx, req.orgID, id, true)
		if err != nil {
			return err
		}
		members, err := memberIDs(ctx, tx, req.orgID, id)
		if err != nil {
			return err
		}
		if err := deleteGroupRow(ctx, tx, req.orgID, id); err != nil {
			return fmt.Errorf("delete group: %w", err)
		}
		changes, err := s.recomputeClaims(ctx, tx, req.orgID, members)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{
			OrgID: req.orgID, ActorEmail: actor, Action: "group.scim_deleted", SubjectType: "group", SubjectID: id.String(),
			Details: auditDetails(req.client, map[string]any{
				"display_name": cur.DisplayName, "external_id": deref(cur.ExternalID),
				"members": nonNilIDs(members), "claims_changed": changes,
			}),
		})
	})
	if err != nil {
		return fmt.Errorf("delete group %s: %w", id, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// nonNilIDs returns ids, or an empty slice for nil, so that audit details hold [] and not null.
func nonNilIDs(ids []uuid.UUID) []uuid.UUID {
	if ids == nil {
		return []uuid.UUID{}
	}
	return ids
}
