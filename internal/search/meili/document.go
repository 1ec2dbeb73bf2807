package meili

import (
	"clearpost/internal/search"

	"github.com/google/uuid"
)

// document is a search.Document as Meilisearch stores it. The primary key is the post id (post ids
// are UUIDs, unique across organizations); approved_at is a Unix time, to sort on.
type document struct {
	ID          string   `json:"id"`
	OrgID       string   `json:"org_id"`
	VersionID   string   `json:"version_id"`
	ContentHash string   `json:"content_hash"`
	Title       string   `json:"title"`
	Body        string   `json:"body"`
	ShareText   string   `json:"share_text"`
	Tags        []string `json:"tags"`
	Channels    []string `json:"channels"`
	Category    string   `json:"category"`
	Region      string   `json:"region"`
	Language    string   `json:"language"`
	BoardIDs    []string `json:"board_ids"`
	ApprovedAt  int64    `json:"approved_at"`
}

func toDocument(d search.Document) document {
	return document{
		ID: d.PostID.String(), OrgID: d.OrgID.String(), VersionID: d.VersionID.String(),
		ContentHash: d.ContentHash, Title: d.Title, Body: d.Body, ShareText: d.ShareText,
		Tags: nonNil(d.Tags), Channels: nonNil(d.Channels), Category: d.Category, Region: d.Region,
		Language: d.Language, BoardIDs: idStrings(d.BoardIDs), ApprovedAt: d.ApprovedAt.Unix(),
	}
}

func idStrings(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
