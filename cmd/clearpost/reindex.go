package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"clearpost/internal/app"
	"clearpost/internal/boards"
	"clearpost/internal/config"
	"clearpost/internal/postgres"
)

// reindexCmd rebuilds the search index of each organization (or those named) from PostgreSQL,
// drawing a progress bar on w. It writes posts' current state, so it may run while the service
// serves and indexes: both converge on the database.
func reindexCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, w io.Writer) error {
	pool, err := postgres.Open(ctx, cfg.DatabaseURL, 4)
	if err != nil {
		return err
	}
	defer pool.Close()
	orgs, err := organizations(ctx, pool, args)
	if err != nil {
		return err
	}
	index, err := app.OpenIndex(ctx, cfg, pool)
	if err != nil {
		return err
	}
	indexer := boards.NewIndexer(pool, index, log)
	for _, o := range orgs {
		start := time.Now()
		err := indexer.Reindex(ctx, o.id, 1000, func(done, total int) { drawProgress(w, o.slug, done, total, start) })
		fmt.Fprintln(w)
		if err != nil {
			return fmt.Errorf("reindex %s: %w", o.slug, err)
		}
	}
	return nil
}

// drawProgress redraws one line: "acme [#########...........]  45% 45000/100000 posts 3.1s".
func drawProgress(w io.Writer, name string, done, total int, start time.Time) {
	const width = 30
	frac := 1.0
	if total > 0 {
		frac = min(float64(done)/float64(total), 1)
	}
	filled := int(frac * width)
	fmt.Fprintf(w, "\r%s [%s%s] %3.0f%% %d/%d posts %s", name, strings.Repeat("#", filled), strings.Repeat(".", width-filled),
		frac*100, done, total, time.Since(start).Round(100*time.Millisecond))
}
