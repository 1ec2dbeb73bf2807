package postgres_test

import (
	"testing"

	"clearpost/internal/postgres/pgtest"
	"clearpost/internal/search"
	"clearpost/internal/search/postgres"
	"clearpost/internal/search/searchtest"
)

func TestContract(t *testing.T) {
	t.Parallel()
	searchtest.Run(t, func(t *testing.T) search.Index { return postgres.New(pgtest.New(t)) })
}
