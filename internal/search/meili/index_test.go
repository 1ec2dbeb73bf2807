package meili_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"clearpost/internal/search"
	"clearpost/internal/search/meili"
	"clearpost/internal/search/searchtest"

	"github.com/meilisearch/meilisearch-go"
)

// TestContract runs the search contract against a live Meilisearch, each subtest on an index of
// its own that is dropped afterwards.
func TestContract(t *testing.T) {
	url := os.Getenv("CLEARPOST_TEST_MEILI_URL")
	if url == "" {
		t.Skip("CLEARPOST_TEST_MEILI_URL not set: the Meilisearch backend is checked against its documented API shapes only")
	}
	key := os.Getenv("CLEARPOST_TEST_MEILI_KEY")
	t.Parallel()
	searchtest.Run(t, func(t *testing.T) search.Index {
		ctx := context.Background()
		var b [6]byte
		_, _ = rand.Read(b[:])
		uid := "clearpost_test_" + hex.EncodeToString(b[:])
		idx, err := meili.Open(ctx, meili.Config{URL: url, APIKey: key, Index: uid, PollInterval: 10 * time.Millisecond})
		if err != nil {
			t.Fatalf("open meilisearch index: %v", err)
		}
		t.Cleanup(func() {
			client := meilisearch.New(url, meilisearch.WithAPIKey(key))
			if _, err := client.DeleteIndexWithContext(ctx, uid); err != nil {
				t.Logf("drop index %s: %v", uid, err)
			}
		})
		return idx
	})
}
