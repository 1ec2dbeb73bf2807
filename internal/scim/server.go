// Package scim is Clearpost's SCIM 2.0 service provider (RFC 7643, RFC 7644): an identity provider
// (Okta, Microsoft Entra ID, ...) creates, updates, deactivates and deletes the users and groups of
// one organization, authenticated by a bearer token of that organization (IssueToken).
//
// Users are the rows sign-in uses. A user the client creates gets the issuer of the
// organization's identity provider and, as subject, the client's externalId when it sends one
// (Okta sends its user id, which is also the OIDC sub) or else the userName (see SubjectSource),
// so that the person's later OIDC sign-in finds the same row. The subject is fixed at creation.
// (Entra ID's externalId is not its sub, which is pairwise per application: for its users,
// sign-in has to find the row by e-mail address.) Deactivation (active=false, by PUT, PATCH or
// DELETE) also sets users.sessions_revoked_at, which ends every session at once. DELETE keeps the
// row, deactivated, because posts and decisions refer to it; SCIM answers 404 for it from then
// on, and a later create with the same userName revives it.
//
// Group membership drives the users' claim_roles and claim_groups through the groups claim
// mapping, as if the group names were the token's groups claim; roles and groups an admin
// assigned are never touched. Every change writes its audit event in the transaction that makes
// it, with the actor "scim".
//
// The subset implemented is what Okta and Entra ID use: filters of eq comparisons joined by and,
// startIndex/count paging, PATCH with and without path (value filters on emails and members), no
// sorting, bulk, ETag preconditions or /Me.
package scim

import (
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"clearpost/internal/auth"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Schema and message URNs.
const (
	schemaUser         = "urn:ietf:params:scim:schemas:core:2.0:User"
	schemaEnterprise   = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	schemaGroup        = "urn:ietf:params:scim:schemas:core:2.0:Group"
	schemaListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	schemaPatchOp      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	schemaError        = "urn:ietf:params:scim:api:messages:2.0:Error"
)

// Prefix is the path the handler serves under.
const Prefix = "/scim/v2"

// MaxBodyBytes is the largest request body accepted.
const MaxBodyBytes = 1 << 20

const contentType = "application/scim+json"

// SubjectSource says which SCIM attribute becomes the OIDC subject of a user the client creates.
type SubjectSource int

const (
	// SubjectExternalID takes externalId when the client sends one, else userName. Okta sends its
	// user id as externalId, which is also the sub of its ID tokens.
	SubjectExternalID SubjectSource = iota
	// SubjectUserName always takes userName: for providers whose sub is the login name.
	SubjectUserName
)

// Server serves the SCIM endpoints of every organization; a request acts on the organization of
// its bearer token only.
type Server struct {
	pool    *pgxpool.Pool
	mapping auth.Mapping
	log     *slog.Logger
	baseURL string // e.g. https://clearpost.example.com/scim/v2; empty: from each request
	subject SubjectSource
}

// Option configures a Server.
type Option func(*Server)

// WithBaseURL sets the absolute URL the endpoints are reached at (the public URL followed by
// /scim/v2), used in meta.location and the Location header. Without it, the URL is taken from each
// request's Host header (and TLS state).
func WithBaseURL(u string) Option {
	return func(s *Server) { s.baseURL = strings.TrimSuffix(u, "/") }
}

// WithSubjectSource chooses where a created user's OIDC subject comes from (default
// SubjectExternalID).
func WithSubjectSource(src SubjectSource) Option {
	return func(s *Server) { s.subject = src }
}

// New returns a server on pool. mapping maps group display names to roles and reviewer groups.
func New(pool *pgxpool.Pool, mapping auth.Mapping, log *slog.Logger, opts ...Option) *Server {
	s := &Server{pool: pool, mapping: mapping, log: log}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Handler returns the SCIM endpoints, to be mounted at Prefix + "/" (it sees the full path):
// /Users, /Users/{id}, /Groups, /Groups/{id}, /ServiceProviderConfig, /Schemas and /ResourceTypes.
// Every request needs the organization's bearer token.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(s.serveHTTP)
}

// client is the authenticated SCIM client of a request.
type client struct {
	orgID   uuid.UUID
	tokenID uuid.UUID
	base    string // absolute URL of the endpoints, without a trailing slash
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), Prefix)
	if !ok || (rest != "" && rest[0] != '/') {
		s.writeError(w, r, notFound("no such endpoint"))
		return
	}
	c, err := s.authenticate(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if r.ContentLength > MaxBodyBytes {
		s.writeError(w, r, &scimError{Status: http.StatusRequestEntityTooLarge, Detail: "request body too large"})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	c.base = s.base(r)

	segs := strings.Split(strings.Trim(rest, "/"), "/")
	if len(segs) > 2 {
		s.writeError(w, r, notFound("no such endpoint"))
		return
	}
	req := c.collection()
	if len(segs) == 2 {
		id, err := url.PathUnescape(segs[1])
		if err != nil {
			s.writeError(w, r, notFound("no such resource"))
			return
		}
		req = c.withID(id)
	}
	var methods map[string]handlerFunc
	switch {
	case segs[0] == "Users" && !req.hasID:
		methods = map[string]handlerFunc{http.MethodGet: s.listUsers, http.MethodPost: s.createUser}
	case segs[0] == "Users":
		methods = map[string]handlerFunc{http.MethodGet: s.getUser, http.MethodPut: s.replaceUser, http.MethodPatch: s.patchUser, http.MethodDelete: s.deleteUser}
	case segs[0] == "Groups" && !req.hasID:
		methods = map[string]handlerFunc{http.MethodGet: s.listGroups, http.MethodPost: s.createGroup}
	case segs[0] == "Groups":
		methods = map[string]handlerFunc{http.MethodGet: s.getGroup, http.MethodPut: s.replaceGroup, http.MethodPatch: s.patchGroup, http.MethodDelete: s.deleteGroup}
	case segs[0] == "ServiceProviderConfig" && !req.hasID:
		methods = map[string]handlerFunc{http.MethodGet: s.serviceProviderConfig}
	case segs[0] == "Schemas":
		methods = map[string]handlerFunc{http.MethodGet: s.schemas}
	case segs[0] == "ResourceTypes":
		methods = map[string]handlerFunc{http.MethodGet: s.resourceTypes}
	default:
		s.writeError(w, r, notFound("no such endpoint"))
		return
	}
	h, ok := methods[r.Method]
	if !ok {
		allow := slices.Sorted(maps.Keys(methods))
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.writeError(w, r, &scimError{Status: http.StatusMethodNotAllowed, Detail: r.Method + " is not supported here"})
		return
	}
	err = h(w, r, req)
	if err != nil {
		s.writeError(w, r, err)
	}
}

// request is one authenticated request: the client and the resource id of the path, if any.
type request struct {
	client
	id    string
	hasID bool
}

func (c client) withID(id string) request { return request{client: c, id: id, hasID: true} }

func (c client) collection() request { return request{client: c} }

type handlerFunc func(w http.ResponseWriter, r *http.Request, req request) error

// base returns the absolute URL of the endpoints for r.
func (s *Server) base(r *http.Request) string {
	if s.baseURL != "" {
		return s.baseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + Prefix
}

func (c client) location(kind, id string) string {
	return c.base + "/" + kind + "/" + url.PathEscape(id)
}

// writeJSON answers with v as application/scim+json.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"schemas":["`+schemaError+`"],"status":"500","detail":"internal error"}`)
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// parseID parses a resource id of the path; ids that are not UUIDs name nothing.
func parseID(kind, id string) (uuid.UUID, error) {
	u, err := uuid.Parse(id)
	if err != nil {
		return uuid.Nil, notFound("%s %s not found", kind, id)
	}
	return u, nil
}

// actor is what audit events record as the one who acted.
const actor = "scim"

func auditDetails(c client, d map[string]any) map[string]any {
	if d == nil {
		d = map[string]any{}
	}
	d["scim_token_id"] = c.tokenID.String()
	return d
}
