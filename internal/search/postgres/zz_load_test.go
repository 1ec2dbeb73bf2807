package postgres

import (
	"context"
	"os"
	"testing"
	"time"

	"clearpost/internal/postgres"
	"clearpost/internal/search/searchtest"

	"github.com/google/uuid"
)

func TestZZLoadScratch(t *testing.T) {
	url := os.Getenv("SCRATCH_URL")
	if url == "" {
		t.Skip()
	}
	ctx := context.Background()
	pool, err := postgres.Open(ctx, url, 4)
	if err != nil {
		t.Fatal(err)
	}
	org := uuid.MustParse("00000000-0000-0000-0000-0000000000aa")
	boards := make([]uuid.UUID, benchBoards)
	for i := range boards {
		boards[i] = uuid.New()
	}
	start := time.Now()
	if err := bulkLoad(ctx, pool, org, searchtest.NewCorpus(1, boards), benchDocuments); err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded in %v", time.Since(start))
}
