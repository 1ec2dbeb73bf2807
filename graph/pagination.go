package graph

import (
	"encoding/base64"
	"encoding/json"

	"clearpost/graph/model"
)

// Cursors are opaque to clients: base64 of the JSON keyset position of the last row of a page.

func encodeCursor(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor[T any](after *string) (*T, error) {
	if after == nil || *after == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*after)
	var v T
	if err != nil || json.Unmarshal(b, &v) != nil {
		return nil, badInput("after", "is not a cursor this list returned")
	}
	return &v, nil
}

// pageSize checks first against the list's maximum.
func pageSize(first *int, max int) (int, error) {
	if first == nil {
		return max, nil
	}
	if *first < 1 || *first > max {
		return 0, badInput("first", "must be between 1 and %d", max)
	}
	return *first, nil
}

// page trims rows fetched with limit+1 to limit and reports whether there are more.
func page[T any](rows []T, limit int) ([]T, bool) {
	if len(rows) > limit {
		return rows[:limit], true
	}
	return rows, false
}

// pageCursors collects the first and last cursor of a page for its PageInfo.
type pageCursors struct{ start, end string }

// add records cur as the page's latest cursor and returns it.
func (c *pageCursors) add(cur string) string {
	if c.start == "" {
		c.start = cur
	}
	c.end = cur
	return cur
}

// info is Relay's PageInfo for a forward page: there are earlier items when the page started
// after a cursor.
func (c *pageCursors) info(after *string, more bool) *model.PageInfo {
	info := &model.PageInfo{HasNextPage: more, HasPreviousPage: after != nil && *after != ""}
	if c.start != "" {
		info.StartCursor, info.EndCursor = &c.start, &c.end
	}
	return info
}
