package scim

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"clearpost/internal/audit"
	"clearpost/internal/auth"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// createUser is POST /Users.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request, req request) error {
	body, err := readObject(r)
	if err != nil {
		return err
	}
	e, err := userFromBody(body, user{Active: true}, modeCreate)
	if err != nil {
		return err
	}
	var out *user
	err = postgres.WithTx(r.Context(), s.pool, func(tx pgx.Tx) error {
		out, err = s.insertUser(r.Context(), tx, req.client, &e.u)
		return err
	})
	if err != nil {
		return fmt.Errorf("create user %q: %w", e.u.UserName, err)
	}
	res := out.resource(req.client)
	w.Header().Set("Location", res.Meta.Location)
	w.Header().Set("ETag", res.Meta.Version)
	writeJSON(w, http.StatusCreated, res)
	return nil
}

// insertUser creates u in the client's organization, or revives the user the client deleted
// earlier with the same userName or e-mail address.
func (s *Server) insertUser(ctx context.Context, tx pgx.Tx, c client, u *user) (*user, error) {
	issuer, err := firstIssuer(ctx, tx, c.orgID)
	if postgres.NoRows(err) {
		return nil, &scimError{Status: http.StatusConflict,
			Detail: "the organization has no identity provider registered, so its users could not sign in"}
	}
	if err != nil {
		return nil, fmt.Errorf("identity provider: %w", err)
	}
	subject := u.UserName
	if s.subject == SubjectExternalID && u.ExternalID != nil {
		subject = *u.ExternalID
	}

	matches, err := lockUserMatches(ctx, tx, c.orgID, u.UserName, u.Email)
	if err != nil {
		return nil, fmt.Errorf("look up user: %w", err)
	}
	for _, m := range matches {
		if !m.Deleted {
			return nil, conflict("a user with this userName or e-mail address already exists")
		}
	}
	if len(matches) > 1 {
		return nil, conflict("more than one deleted user has this userName or e-mail address")
	}

	var out *user
	action := "user.scim_created"
	details := map[string]any{"user_name": u.UserName, "email": u.Email, "external_id": deref(u.ExternalID),
		"issuer": issuer, "subject": subject, "active": u.Active, "department": u.Department}
	if len(matches) == 1 {
		// The client deleted this person and now creates them again: the same row comes back, with
		// its posts and the roles an admin assigned.
		action, details["revived"] = "user.scim_revived", true
		out, err = reviveUser(ctx, tx, c.orgID, matches[0].ID, issuer, subject, u)
	} else {
		roles := []string{string(auth.RoleEmployee)}
		if slices.Contains(s.mapping.BootstrapAdmins, u.Email) {
			roles = append(roles, string(auth.RoleAdmin))
			details["bootstrap_admin"] = true
		}
		out, err = insertUserRow(ctx, tx, c.orgID, issuer, subject, u, roles)
	}
	if err != nil {
		return nil, fmt.Errorf("save user: %w", err)
	}
	err = audit.Record(ctx, tx, audit.Event{
		OrgID: c.orgID, ActorEmail: actor, Action: action, SubjectType: "user", SubjectID: out.ID.String(),
		Details: auditDetails(c, details),
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// getUser is GET /Users/{id}.
func (s *Server) getUser(w http.ResponseWriter, r *http.Request, req request) error {
	id, err := parseID("user", req.id)
	if err != nil {
		return err
	}
	u, err := s.loadUser(r.Context(), s.pool, req.orgID, id, false)
	if err != nil {
		return err
	}
	if err := s.loadUserGroups(r.Context(), s.pool, req.orgID, []*user{u}); err != nil {
		return err
	}
	res := u.resource(req.client)
	w.Header().Set("ETag", res.Meta.Version)
	writeJSON(w, http.StatusOK, res)
	return nil
}

// loadUserGroups fills in the groups of users.
func (s *Server) loadUserGroups(ctx context.Context, db postgres.DB, org uuid.UUID, users []*user) error {
	if len(users) == 0 {
		return nil
	}
	byID := make(map[uuid.UUID]*user, len(users))
	ids := make([]uuid.UUID, len(users))
	for i, u := range users {
		byID[u.ID], ids[i] = u, u.ID
		u.Groups = []ref{}
	}
	err := eachUserGroup(ctx, db, org, ids, func(uid uuid.UUID, g ref) {
		byID[uid].Groups = append(byID[uid].Groups, g)
	})
	if err != nil {
		return fmt.Errorf("groups of users: %w", err)
	}
	return nil
}

// userQuery is what a filter on users asks for: every set field must match.
type userQuery struct {
	id         *uuid.UUID
	userName   *string
	externalID *string
	email      *string
	active     *bool
	none       bool // the filter contradicts itself or names no possible user
}

// userQueryOf turns a filter into a userQuery: eq on id, userName, externalId, emails(.value) and
// active.
func userQueryOf(f filterExpr) (userQuery, error) {
	var q userQuery
	for _, c := range f {
		p := c.path
		switch {
		case p.is("id", "") && p.filter == nil:
			s, err := filterString(c)
			if err != nil {
				return q, err
			}
			id, err := uuid.Parse(s)
			if err != nil {
				q.none = true
				continue
			}
			setOnce(&q.id, id, &q.none)
		case p.is("username", "") && p.filter == nil:
			s, err := filterString(c)
			if err != nil {
				return q, err
			}
			setOnce(&q.userName, s, &q.none)
		case p.is("externalid", "") && p.filter == nil:
			s, err := filterString(c)
			if err != nil {
				return q, err
			}
			setOnce(&q.externalID, s, &q.none)
		case (p.is("emails", "") || p.is("emails", "value")) && p.filter == nil:
			s, err := filterString(c)
			if err != nil {
				return q, err
			}
			setOnce(&q.email, s, &q.none)
		case p.is("active", "") && p.filter == nil:
			b, ok := c.value.(bool)
			if !ok {
				return q, badRequest(typeInvalidFilter, "active is compared with true or false")
			}
			setOnce(&q.active, b, &q.none)
		default:
			return q, badRequest(typeInvalidFilter, "filtering users on %q is not supported (id, userName, externalId, emails, active are)", p.raw)
		}
	}
	return q, nil
}

func filterString(c comparison) (string, error) {
	s, ok := c.value.(string)
	if !ok {
		return "", badRequest(typeInvalidFilter, "%s is compared with a string", c.path.raw)
	}
	if strings.ContainsRune(s, 0) {
		return "", badRequest(typeInvalidFilter, "a NUL character in a filter value")
	}
	return s, nil
}

// setOnce sets *dst to v, or marks the query empty when the filter already asked for another value.
func setOnce[T comparable](dst **T, v T, none *bool) {
	if *dst != nil && **dst != v {
		*none = true
	}
	*dst = &v
}

// listUsers is GET /Users, with filter, startIndex and count.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, req request) error {
	params := r.URL.Query()
	pg, err := parsePage(params)
	if err != nil {
		return err
	}
	var q userQuery
	if f := params.Get("filter"); f != "" {
		expr, err := parseFilter(f)
		if err != nil {
			return err
		}
		if q, err = userQueryOf(expr); err != nil {
			return err
		}
	}
	if q.none {
		writeJSON(w, http.StatusOK, newList(pg, 0, nil))
		return nil
	}
	ctx := r.Context()
	total, err := countUsers(ctx, s.pool, req.orgID, q)
	if err != nil {
		return fmt.Errorf("count users: %w", err)
	}
	var users []*user
	if pg.count > 0 && pg.offset() < total {
		users, err = findUsers(ctx, s.pool, req.orgID, q, pg.offset(), pg.count)
		if err != nil {
			return fmt.Errorf("list users: %w", err)
		}
	}
	if err := s.loadUserGroups(ctx, s.pool, req.orgID, users); err != nil {
		return err
	}
	res := make([]any, len(users))
	for i, u := range users {
		res[i] = u.resource(req.client)
	}
	writeJSON(w, http.StatusOK, newList(pg, total, res))
	return nil
}

// replaceUser is PUT /Users/{id}. Attributes the body leaves out are unassigned, except active and
// externalId, which keep their values: a PUT that forgets them must neither reactivate a user nor
// cut the link to the client's record.
func (s *Server) replaceUser(w http.ResponseWriter, r *http.Request, req request) error {
	id, err := parseID("user", req.id)
	if err != nil {
		return err
	}
	body, err := readObject(r)
	if err != nil {
		return err
	}
	return s.updateUser(w, r, req, id, func(cur *user) (*user, error) {
		base := user{ID: cur.ID, ExternalID: cur.ExternalID, Email: cur.Email, Active: cur.Active,
			CreatedAt: cur.CreatedAt, UpdatedAt: cur.UpdatedAt}
		e, err := userFromBody(body, base, modeReplace)
		if err != nil {
			return nil, err
		}
		return &e.u, nil
	})
}

// patchUser is PATCH /Users/{id}.
func (s *Server) patchUser(w http.ResponseWriter, r *http.Request, req request) error {
	id, err := parseID("user", req.id)
	if err != nil {
		return err
	}
	ops, err := readPatch(r)
	if err != nil {
		return err
	}
	return s.updateUser(w, r, req, id, func(cur *user) (*user, error) {
		e := &userEdit{u: *cur, mode: modePatch}
		if err := applyPatch(ops, e.set); err != nil {
			return nil, err
		}
		if err := e.finish(); err != nil {
			return nil, err
		}
		return &e.u, nil
	})
}

// updateUser locks user id, computes its new state with edit and saves it, then answers with it.
func (s *Server) updateUser(w http.ResponseWriter, r *http.Request, req request, id uuid.UUID, edit func(cur *user) (*user, error)) error {
	ctx := r.Context()
	var out *user
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		cur, err := s.loadUser(ctx, tx, req.orgID, id, true)
		if err != nil {
			return err
		}
		next, err := edit(cur)
		if err != nil {
			return err
		}
		if out, err = s.saveUser(ctx, tx, req.client, cur, next); err != nil {
			return err
		}
		return s.loadUserGroups(ctx, tx, req.orgID, []*user{out})
	})
	if err != nil {
		return fmt.Errorf("update user %s: %w", id, err)
	}
	res := out.resource(req.client)
	w.Header().Set("ETag", res.Meta.Version)
	writeJSON(w, http.StatusOK, res)
	return nil
}

// saveUser writes next over before and records what changed; an unchanged user is not written.
// Deactivating a user also revokes every session of theirs, in the same statement.
func (s *Server) saveUser(ctx context.Context, tx pgx.Tx, c client, before, next *user) (*user, error) {
	changes := before.changes(next)
	if len(changes) == 0 {
		return before, nil
	}
	if !strings.EqualFold(before.UserName, next.UserName) || before.Email != next.Email {
		// The unique indexes cover userName against userName and e-mail against e-mail; a userName
		// must not name another user by their e-mail address either, or a filter would find two.
		taken, err := nameTaken(ctx, tx, c.orgID, before.ID, next.UserName, next.Email)
		if err != nil {
			return nil, fmt.Errorf("check userName: %w", err)
		}
		if taken {
			return nil, conflict("another user has this userName or e-mail address")
		}
	}
	deactivated := before.Active && !next.Active
	out, err := updateUserRow(ctx, tx, c.orgID, before.ID, next, deactivated)
	if err != nil {
		return nil, fmt.Errorf("save user: %w", err)
	}
	action := "user.scim_updated"
	details := map[string]any{"changes": changes}
	switch {
	case deactivated:
		action, details["sessions_revoked"] = "user.scim_deactivated", true
	case !before.Active && next.Active:
		action = "user.scim_reactivated"
	}
	err = audit.Record(ctx, tx, audit.Event{
		OrgID: c.orgID, ActorEmail: actor, Action: action, SubjectType: "user", SubjectID: before.ID.String(),
		Details: auditDetails(c, details),
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// deleteUser is DELETE /Users/{id}: the user is deactivated (their sessions end), leaves every
// group, and is gone for SCIM; the row stays for the posts and decisions that refer to it.
func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request, req request) error {
	id, err := parseID("user", req.id)
	if err != nil {
		return err
	}
	ctx := r.Context()
	err = postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		cur, err := s.loadUser(ctx, tx, req.orgID, id, true)
		if err != nil {
			return err
		}
		left, err := leaveAllGroups(ctx, tx, req.orgID, id)
		if err != nil {
			return fmt.Errorf("leave groups: %w", err)
		}
		if err := markUserDeleted(ctx, tx, req.orgID, id); err != nil {
			return fmt.Errorf("delete user: %w", err)
		}
		claims, err := s.recomputeClaims(ctx, tx, req.orgID, []uuid.UUID{id})
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{
			OrgID: req.orgID, ActorEmail: actor, Action: "user.scim_deleted", SubjectType: "user", SubjectID: id.String(),
			Details: auditDetails(req.client, map[string]any{
				"user_name": cur.UserName, "email": cur.Email, "sessions_revoked": cur.Active,
				"left_groups": left, "claims_changed": claims,
			}),
		})
	})
	if err != nil {
		return fmt.Errorf("delete user %s: %w", id, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
