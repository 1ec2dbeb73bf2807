package scim

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// group is a SCIM group of the organization. Its display name is what the groups claim mapping
// maps to roles and reviewer groups.
type group struct {
	ID          uuid.UUID
	DisplayName string
	ExternalID  *string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// groupEdit is a group and its members being changed by one request.
type groupEdit struct {
	g       group
	members map[uuid.UUID]bool
}

// newGroupEdit starts an edit of g with members.
func newGroupEdit(g group, members []uuid.UUID) *groupEdit {
	e := &groupEdit{g: g, members: make(map[uuid.UUID]bool, len(members))}
	for _, id := range members {
		e.members[id] = true
	}
	return e
}

// memberIDs returns the members, sorted.
func (e *groupEdit) memberIDs() []uuid.UUID {
	return slices.SortedFunc(maps.Keys(e.members), func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
}

// groupFromBody reads the Group of a POST or PUT body on top of base. Members the body leaves out
// are removed.
func groupFromBody(body object, base group) (*groupEdit, error) {
	if err := requireSchema(body, schemaGroup); err != nil {
		return nil, err
	}
	e := newGroupEdit(base, nil)
	if err := applyObject(opReplace, body, e.set); err != nil {
		return nil, err
	}
	return e, e.finish()
}

// set applies one operation on one attribute of the group; attributes Clearpost does not keep are
// ignored.
func (e *groupEdit) set(op string, p attrPath, v any) error {
	if !p.core() {
		return nil
	}
	remove := op == opRemove
	switch p.attr {
	case "displayname":
		if p.filter != nil || p.sub != "" {
			return badRequest(typeInvalidPath, "%q: displayName is a single value", p.raw)
		}
		if remove {
			return badRequest(typeMutability, "displayName is required and cannot be removed")
		}
		s, err := asString("displayName", v)
		if err != nil {
			return err
		}
		if s == "" {
			return invalidValue("displayName must not be empty")
		}
		e.g.DisplayName = s
	case "externalid":
		if p.filter != nil || p.sub != "" {
			return badRequest(typeInvalidPath, "%q: externalId is a single value", p.raw)
		}
		s := ""
		if !remove {
			var err error
			if s, err = asString("externalId", v); err != nil {
				return err
			}
		}
		e.g.ExternalID = nil
		if s != "" {
			e.g.ExternalID = &s
		}
	case "members":
		return e.setMembers(op, p, v)
	}
	return nil
}

// setMembers adds, replaces or removes members. Okta removes one with the path
// members[value eq "id"]; Entra ID with the path members and a value listing the ones to remove.
func (e *groupEdit) setMembers(op string, p attrPath, v any) error {
	if p.sub != "" {
		return badRequest(typeInvalidPath, "%q: members are changed as a whole ({\"value\": id})", p.raw)
	}
	if p.filter != nil {
		if op != opRemove {
			return badRequest(typeInvalidPath, "%q: a members filter only selects members to remove", p.raw)
		}
		for _, c := range p.filter {
			s, ok := c.value.(string)
			if !c.path.is("value", "") || !ok {
				return badRequest(typeInvalidPath, "%q: members are selected by value eq \"id\"", p.raw)
			}
			if id, err := uuid.Parse(s); err == nil {
				delete(e.members, id)
			}
		}
		return nil
	}
	if op == opRemove && v == nil {
		clear(e.members)
		return nil
	}
	list, err := asList("members", v)
	if err != nil {
		return err
	}
	if op == opReplace {
		clear(e.members)
	}
	for i, item := range list {
		field := fmt.Sprintf("members[%d]", i)
		o, err := asObject(field, item)
		if err != nil {
			return err
		}
		if tv, ok := o.get("type"); ok {
			if t, _ := tv.(string); strings.EqualFold(t, "Group") {
				return invalidValue("%s: nested groups are not supported", field)
			}
		}
		vv, _ := o.get("value")
		s, err := asString(field+".value", vv)
		if err != nil {
			return err
		}
		id, err := uuid.Parse(s)
		if op == opRemove {
			if err == nil {
				delete(e.members, id)
			}
			continue
		}
		if err != nil {
			return invalidValue("%s.value: %q is not the id of a user", field, s)
		}
		e.members[id] = true
	}
	return nil
}

func (e *groupEdit) finish() error {
	if e.g.DisplayName == "" {
		return invalidValue("displayName is required")
	}
	return nil
}

// groupResource is the JSON of a Group (RFC 7643 section 4.2). Members is nil when the request
// excluded them.
type groupResource struct {
	Schemas     []string    `json:"schemas"`
	ID          string      `json:"id"`
	ExternalID  string      `json:"externalId,omitempty"`
	DisplayName string      `json:"displayName"`
	Members     *[]refValue `json:"members,omitempty"`
	Meta        meta        `json:"meta"`
}

// resource returns the JSON of g with members (nil: left out).
func (g *group) resource(c client, members []ref) groupResource {
	id := g.ID.String()
	res := groupResource{
		Schemas:     []string{schemaGroup},
		ID:          id,
		ExternalID:  deref(g.ExternalID),
		DisplayName: g.DisplayName,
		Meta:        newMeta("Group", c.location("Groups", id), g.CreatedAt, g.UpdatedAt),
	}
	if members != nil {
		list := make([]refValue, len(members))
		for i, m := range members {
			list[i] = refValue{Value: m.ID.String(), Ref: c.location("Users", m.ID.String()), Display: m.Display, Type: "User"}
		}
		res.Members = &list
	}
	return res
}
