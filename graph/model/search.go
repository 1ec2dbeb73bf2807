package model

import "github.com/google/uuid"

// SearchConnection is a page of search hits. Board facets are resolved only when asked for:
// naming boards costs a read the feed of hits does not need.
type SearchConnection struct {
	Edges       []*SearchEdge `json:"edges"`
	PageInfo    *PageInfo     `json:"pageInfo"`
	Total       int           `json:"total"`
	TagFacets   []*TagFacet   `json:"tagFacets"`
	BoardCounts map[uuid.UUID]int
}
