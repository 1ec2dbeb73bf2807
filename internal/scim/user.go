package scim

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// user is a user of the organization as SCIM sees it.
type user struct {
	ID         uuid.UUID
	UserName   string  // as the client sent it; the e-mail for users it never provisioned
	ExternalID *string // the client's id of the user
	Email      string  // lower-case
	Name       string  // users.name: name.formatted and displayName
	GivenName  string
	FamilyName string
	Department string
	Active     bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Groups     []ref // the SCIM groups the user is a member of; read-only
}

// ref is a reference to another resource: a member of a group or a group of a user.
type ref struct {
	ID      uuid.UUID
	Display string
}

// editMode says what a request does to a resource.
type editMode int

const (
	modeCreate  editMode = iota // POST: from nothing
	modeReplace                 // PUT: every attribute the body leaves out is unassigned
	modePatch                   // PATCH: operations on the current attributes
)

// userEdit is a user being changed by one request.
type userEdit struct {
	u    user
	mode editMode
	// which attributes the request set, to derive the ones it did not
	nameSet, partsSet, emailSet bool
}

// userFromBody reads the User of a POST or PUT body on top of base (which holds what the request
// cannot or need not change).
func userFromBody(body object, base user, mode editMode) (*userEdit, error) {
	if err := requireSchema(body, schemaUser); err != nil {
		return nil, err
	}
	e := &userEdit{u: base, mode: mode}
	if err := applyObject(opReplace, body, e.set); err != nil {
		return nil, err
	}
	return e, e.finish()
}

// set applies one operation on one attribute. Attributes of the User schema that Clearpost does not
// keep (phoneNumbers, title, locale, password, ...) and extensions it does not know are ignored,
// as identity providers send whatever their attribute mappings hold.
func (e *userEdit) set(op string, p attrPath, v any) error {
	remove := op == opRemove
	switch p.schema {
	case unknownSchema:
		return nil
	case enterpriseLower:
		switch p.attr {
		case "":
			if remove {
				e.u.Department = ""
				return nil
			}
			o, err := asObject(p.raw, v)
			if err != nil {
				return err
			}
			for k, v := range o {
				if err := e.set(op, attrPath{schema: enterpriseLower, attr: strings.ToLower(k), raw: k}, v); err != nil {
					return err
				}
			}
		case "department":
			if p.filter != nil || p.sub != "" {
				return badRequest(typeInvalidPath, "%q: department has no sub-attributes", p.raw)
			}
			s, err := e.str(remove, "department", v)
			if err != nil {
				return err
			}
			e.u.Department = s
		}
		return nil
	}
	switch p.attr {
	case "username", "externalid", "active", "displayname":
		if p.filter != nil || p.sub != "" {
			return badRequest(typeInvalidPath, "%q: %s is a single value", p.raw, p.attr)
		}
	case "name":
		if p.filter != nil {
			return badRequest(typeInvalidPath, "%q: name is not multi-valued", p.raw)
		}
	}
	switch p.attr {
	case "username":
		if remove {
			return badRequest(typeMutability, "userName is required and cannot be removed")
		}
		s, err := asString("userName", v)
		if err != nil {
			return err
		}
		if s == "" {
			return invalidValue("userName must not be empty")
		}
		e.u.UserName = s
	case "externalid":
		s, err := e.str(remove, "externalId", v)
		if err != nil {
			return err
		}
		e.u.ExternalID = nil
		if s != "" {
			e.u.ExternalID = &s
		}
	case "active":
		if remove {
			return badRequest(typeMutability, "active cannot be removed; replace it with false")
		}
		b, err := asBool("active", v)
		if err != nil {
			return err
		}
		e.u.Active = b
	case "displayname":
		s, err := e.str(remove, "displayName", v)
		if err != nil {
			return err
		}
		e.u.Name, e.nameSet = s, true
	case "name":
		return e.setName(remove, p, v)
	case "emails":
		return e.setEmails(remove, p, v)
	case "groups":
		if e.mode == modePatch {
			return badRequest(typeMutability, "groups is read-only: change memberships through /Groups")
		}
	}
	return nil
}

// str reads a string attribute; remove unassigns it.
func (e *userEdit) str(remove bool, field string, v any) (string, error) {
	if remove {
		return "", nil
	}
	return asString(field, v)
}

func (e *userEdit) setName(remove bool, p attrPath, v any) error {
	if p.sub == "" {
		if remove {
			e.u.Name, e.u.GivenName, e.u.FamilyName = "", "", ""
			e.nameSet = true
			return nil
		}
		o, err := asObject("name", v)
		if err != nil {
			return err
		}
		for k, v := range o {
			if err := e.setName(false, attrPath{attr: "name", sub: strings.ToLower(k), raw: "name." + k}, v); err != nil {
				return err
			}
		}
		return nil
	}
	switch p.sub {
	case "formatted":
		s, err := e.str(remove, "name.formatted", v)
		if err != nil {
			return err
		}
		e.u.Name, e.nameSet = s, true
	case "givenname":
		s, err := e.str(remove, "name.givenName", v)
		if err != nil {
			return err
		}
		e.u.GivenName, e.partsSet = s, true
	case "familyname":
		s, err := e.str(remove, "name.familyName", v)
		if err != nil {
			return err
		}
		e.u.FamilyName, e.partsSet = s, true
	default:
		// middleName, honorificPrefix, ...: not kept, but still type-checked
		if _, err := e.str(remove, "name."+p.sub, v); err != nil {
			return err
		}
	}
	return nil
}

// setEmails sets the user's one e-mail address from the emails attribute: the primary entry, else
// the work entry, else the first. Removing it keeps the address (a user needs one).
func (e *userEdit) setEmails(remove bool, p attrPath, v any) error {
	if remove {
		return nil
	}
	if p.filter != nil {
		// emails[type eq "work"].value or emails[primary eq true]: Entra ID's shape
		if !workOrPrimary(p.filter) {
			return nil
		}
		switch p.sub {
		case "value":
			return e.setEmail(p.raw, v)
		case "":
			o, err := asObject(p.raw, v)
			if err != nil {
				return err
			}
			ev, _ := o.get("value")
			return e.setEmail(p.raw+".value", ev)
		}
		return nil
	}
	switch p.sub {
	case "value":
		return e.setEmail("emails.value", v)
	case "":
	default:
		return nil
	}
	list, err := asList("emails", v)
	if err != nil {
		return err
	}
	best, bestRank := "", -1
	for i, item := range list {
		field := fmt.Sprintf("emails[%d]", i)
		o, err := asObject(field, item)
		if err != nil {
			return err
		}
		ev, _ := o.get("value")
		value, err := asString(field+".value", ev)
		if err != nil {
			return err
		}
		rank := 0
		if tv, ok := o.get("type"); ok {
			t, err := asString(field+".type", tv)
			if err != nil {
				return err
			}
			if strings.EqualFold(t, "work") {
				rank = 1
			}
		}
		if pv, ok := o.get("primary"); ok && pv != nil {
			primary, err := asBool(field+".primary", pv)
			if err != nil {
				return err
			}
			if primary {
				rank = 2
			}
		}
		if value != "" && rank > bestRank {
			best, bestRank = value, rank
		}
	}
	if bestRank < 0 {
		return nil
	}
	return e.setEmail("emails", best)
}

// workOrPrimary reports whether a value filter on emails selects the work or the primary address.
func workOrPrimary(f filterExpr) bool {
	for _, c := range f {
		if c.path.attr == "type" {
			if s, ok := c.value.(string); ok && strings.EqualFold(s, "work") {
				return true
			}
		}
		if c.path.attr == "primary" && c.value == true {
			return true
		}
	}
	return false
}

func (e *userEdit) setEmail(field string, v any) error {
	s, err := asString(field, v)
	if err != nil {
		return err
	}
	addr, ok := normalizeEmail(s)
	if !ok {
		return invalidValue("%s: %q is not an e-mail address", field, s)
	}
	e.u.Email, e.emailSet = addr, true
	return nil
}

// normalizeEmail lower-cases an e-mail address, as sign-in does, and checks its shape.
func normalizeEmail(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.ContainsAny(s, " \t\r\n<>,;") {
		return "", false
	}
	return s, true
}

// finish derives what the request left implicit and checks the user is complete.
func (e *userEdit) finish() error {
	if e.u.UserName == "" {
		return invalidValue("userName is required")
	}
	if !e.nameSet && e.partsSet {
		e.u.Name = strings.TrimSpace(e.u.GivenName + " " + e.u.FamilyName)
	}
	if e.mode != modePatch && !e.emailSet {
		if addr, ok := normalizeEmail(e.u.UserName); ok {
			e.u.Email = addr
		}
	}
	if e.u.Email == "" {
		return invalidValue("a user needs an e-mail address: send emails, or an e-mail address as userName")
	}
	return nil
}

// changes lists the attributes that differ between a and b, for the audit log.
func (a *user) changes(b *user) map[string]any {
	out := map[string]any{}
	diff := func(name string, x, y any) {
		if x != y {
			out[name] = map[string]any{"before": x, "after": y}
		}
	}
	diff("userName", a.UserName, b.UserName)
	diff("externalId", deref(a.ExternalID), deref(b.ExternalID))
	diff("email", a.Email, b.Email)
	diff("name", a.Name, b.Name)
	diff("givenName", a.GivenName, b.GivenName)
	diff("familyName", a.FamilyName, b.FamilyName)
	diff("department", a.Department, b.Department)
	diff("active", a.Active, b.Active)
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// userResource is the JSON of a User (RFC 7643 section 4.1) with the enterprise extension.
type userResource struct {
	Schemas     []string        `json:"schemas"`
	ID          string          `json:"id"`
	ExternalID  string          `json:"externalId,omitempty"`
	UserName    string          `json:"userName"`
	Name        nameValue       `json:"name"`
	DisplayName string          `json:"displayName,omitempty"`
	Emails      []emailValue    `json:"emails"`
	Active      bool            `json:"active"`
	Groups      []refValue      `json:"groups"`
	Enterprise  enterpriseValue `json:"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"`
	Meta        meta            `json:"meta"`
}

type nameValue struct {
	Formatted  string `json:"formatted,omitempty"`
	GivenName  string `json:"givenName,omitempty"`
	FamilyName string `json:"familyName,omitempty"`
}

type emailValue struct {
	Value   string `json:"value"`
	Type    string `json:"type"`
	Primary bool   `json:"primary"`
}

type enterpriseValue struct {
	Department string `json:"department,omitempty"`
}

// refValue is a multi-valued reference: a group's member, a user's group.
type refValue struct {
	Value   string `json:"value"`
	Ref     string `json:"$ref"`
	Display string `json:"display,omitempty"`
	Type    string `json:"type,omitempty"`
}

// meta is a resource's metadata (RFC 7643 section 3.1).
type meta struct {
	ResourceType string `json:"resourceType"`
	Created      string `json:"created,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
	Location     string `json:"location"`
	Version      string `json:"version,omitempty"`
}

func newMeta(kind, location string, created, modified time.Time) meta {
	return meta{
		ResourceType: kind, Location: location,
		Created: timestamp(created), LastModified: timestamp(modified), Version: version(modified),
	}
}

func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// version is a weak entity tag of a resource last modified at t.
func version(t time.Time) string { return `W/"` + strconv.FormatInt(t.UnixMicro(), 36) + `"` }

// resource returns the JSON of u.
func (u *user) resource(c client) userResource {
	id := u.ID.String()
	groups := make([]refValue, len(u.Groups))
	for i, g := range u.Groups {
		groups[i] = refValue{Value: g.ID.String(), Ref: c.location("Groups", g.ID.String()), Display: g.Display, Type: "direct"}
	}
	return userResource{
		Schemas:     []string{schemaUser, schemaEnterprise},
		ID:          id,
		ExternalID:  deref(u.ExternalID),
		UserName:    u.UserName,
		Name:        nameValue{Formatted: u.Name, GivenName: u.GivenName, FamilyName: u.FamilyName},
		DisplayName: u.Name,
		Emails:      []emailValue{{Value: u.Email, Type: "work", Primary: true}},
		Active:      u.Active,
		Groups:      groups,
		Enterprise:  enterpriseValue{Department: u.Department},
		Meta:        newMeta("User", c.location("Users", id), u.CreatedAt, u.UpdatedAt),
	}
}
