package meili

import (
	"fmt"
	"time"

	"clearpost/internal/search"

	"github.com/google/uuid"
	"github.com/meilisearch/meilisearch-go"
)

// TenantToken returns a Meilisearch tenant token for clients that search the index directly: a
// JWT signed with apiKey (a search key whose uid is apiKeyUID; never the master key) whose search
// rules restrict every search on this index to org and boards, valid for ttl.
func (x *Index) TenantToken(apiKeyUID, apiKey string, org uuid.UUID, boards []uuid.UUID, ttl time.Duration) (string, error) {
	if apiKey == "" || ttl <= 0 {
		return "", fmt.Errorf("tenant token: an API key and a positive lifetime are required")
	}
	rules := map[string]any{x.uid: map[string]any{"filter": scopeFilter(org, search.SortedIDs(boards))}}
	token, err := x.client.GenerateTenantToken(apiKeyUID, rules, &meilisearch.TenantTokenOptions{
		APIKey: apiKey, ExpiresAt: time.Now().Add(ttl),
	})
	if err != nil {
		return "", fmt.Errorf("tenant token: %w", err)
	}
	return token, nil
}
