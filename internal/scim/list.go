package scim

import (
	"net/url"
	"strconv"
	"strings"
)

// Paging of list responses (RFC 7644 section 3.4.2.4).
const (
	defaultCount = 100
	maxCount     = 200
)

// page is the startIndex (1-based) and count of a list request.
type page struct {
	start int
	count int
}

func (p page) offset() int { return p.start - 1 }

// parsePage reads startIndex and count: startIndex below 1 is 1, count below 0 is 0 and count
// above maxCount is maxCount, as RFC 7644 has it.
func parsePage(q url.Values) (page, error) {
	p := page{start: 1, count: defaultCount}
	for name, dst := range map[string]*int{"startIndex": &p.start, "count": &p.count} {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return page{}, invalidValue("%s must be an integer", name)
		}
		*dst = n
	}
	p.start = max(p.start, 1)
	p.count = min(max(p.count, 0), maxCount)
	return p, nil
}

// listResponse is a ListResponse message; Resources is never null.
type listResponse struct {
	Schemas      []string `json:"schemas"`
	TotalResults int      `json:"totalResults"`
	StartIndex   int      `json:"startIndex"`
	ItemsPerPage int      `json:"itemsPerPage"`
	Resources    []any    `json:"Resources"`
}

func newList(p page, total int, resources []any) listResponse {
	if resources == nil {
		resources = []any{}
	}
	return listResponse{
		Schemas:      []string{schemaListResponse},
		TotalResults: total,
		StartIndex:   p.start,
		ItemsPerPage: len(resources),
		Resources:    resources,
	}
}

// excluded reports whether the attributes and excludedAttributes parameters of q leave attribute
// attr (lower-case) out of the response. Only whole top-level attributes are recognised; Entra ID
// asks for groups with excludedAttributes=members.
func excluded(q url.Values, attr string) bool {
	names := func(param string) []string {
		var out []string
		for _, v := range strings.Split(q.Get(param), ",") {
			if v = strings.ToLower(strings.TrimSpace(v)); v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	for _, n := range names("excludedAttributes") {
		if n == attr || strings.HasSuffix(n, ":"+attr) {
			return true
		}
	}
	if attrs := names("attributes"); len(attrs) > 0 {
		for _, n := range attrs {
			if n == attr || strings.HasSuffix(n, ":"+attr) || strings.HasPrefix(n, attr+".") {
				return false
			}
		}
		return true
	}
	return false
}
