package search

import (
	"encoding/base64"
	"strconv"
	"strings"
	"unicode/utf8"

	"clearpost/internal/apperr"
)

// Page is the window of hits a query asks for.
type Page struct {
	Offset int
	Limit  int
}

// Page checks q and resolves its Limit and After into a window of at most MaxLimit hits that ends
// by MaxWindow. Text longer than MaxTextLength, a negative limit, and a cursor that is not one of
// ours are Invalid errors.
func (q Query) Page() (Page, error) {
	if utf8.RuneCountInString(q.Text) > MaxTextLength {
		return Page{}, apperr.Invalidf("text", "must be at most %d characters", MaxTextLength)
	}
	p := Page{Limit: q.Limit}
	switch {
	case p.Limit < 0:
		return Page{}, apperr.Invalidf("first", "must not be negative")
	case p.Limit == 0:
		p.Limit = DefaultLimit
	case p.Limit > MaxLimit:
		p.Limit = MaxLimit
	}
	if q.After != "" {
		raw, err := base64.RawURLEncoding.DecodeString(q.After)
		s, ok := strings.CutPrefix(string(raw), "search:")
		off, convErr := strconv.Atoi(s)
		if err != nil || !ok || convErr != nil || off <= 0 || off >= MaxWindow {
			return Page{}, apperr.Invalidf("after", "is not a cursor of this search")
		}
		p.Offset = off
	}
	p.Limit = min(p.Limit, MaxWindow-p.Offset)
	return p, nil
}

// Next returns the cursor of the page after p, given how many hits p got and how many the query
// matched; empty when p is the last page.
func (p Page) Next(got, total int) string {
	next := p.Offset + got
	if got == 0 || got < p.Limit || next >= total || next >= MaxWindow {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte("search:" + strconv.Itoa(next)))
}
