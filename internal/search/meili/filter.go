package meili

import (
	"strings"

	"github.com/google/uuid"
)

// quote writes s as a Meilisearch filter string: in double quotes, with backslashes and double
// quotes escaped, so that no value, however hostile, is read as filter syntax.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// scopeFilter restricts a search to one organization and some of its boards. With no boards it
// asks for the nil board id, which no document has: an empty scope finds nothing.
func scopeFilter(org uuid.UUID, boards []uuid.UUID) string {
	var b strings.Builder
	b.WriteString("org_id = ")
	b.WriteString(quote(org.String()))
	if len(boards) == 0 {
		b.WriteString(" AND board_ids = ")
		b.WriteString(quote(uuid.Nil.String()))
		return b.String()
	}
	b.WriteString(" AND board_ids IN [")
	for i, id := range boards {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quote(id.String()))
	}
	b.WriteString("]")
	return b.String()
}

// searchFilter is scopeFilter and the query's filters: every tag, and the channel.
func searchFilter(org uuid.UUID, boards []uuid.UUID, tags []string, channel string) string {
	f := scopeFilter(org, boards)
	for _, t := range tags {
		f += " AND tags = " + quote(t)
	}
	if channel != "" {
		f += " AND channels = " + quote(channel)
	}
	return f
}
