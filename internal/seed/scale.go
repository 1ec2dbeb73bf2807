package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"clearpost/internal/content"
	"clearpost/internal/search"
	"clearpost/internal/search/corpus"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ScaleOptions size a generated dataset.
type ScaleOptions struct {
	Posts     int    // approved posts, each on 1 to 3 boards
	Employees int    // users with the EMPLOYEE role, in departments and regions
	Boards    int    // boards: a fifth for everyone, the rest for a department or a region
	Seed      uint64 // the same seed makes the same dataset
}

// DefaultScale is the benchmark dataset of the README.
var DefaultScale = ScaleOptions{Posts: 100_000, Employees: 10_000, Boards: 200, Seed: 1}

var (
	departments = []string{"Sales", "Marketing", "Engineering", "Customer Success", "Finance", "People", "Legal", "Operations"}
	regions     = []string{"emea", "amer", "apac"}
	topics      = []string{"launch", "hiring", "customer-story", "webinar", "event", "product", "security", "partnership", "culture", "report"}
)

// Scale adds a large realistic dataset to organization org (which the demo seed made): employees,
// boards and APPROVED posts on them, loaded with COPY. Content hashes are real. It does not
// index: run the indexer (clearpost reindex) afterwards.
func Scale(ctx context.Context, pool *pgxpool.Pool, org uuid.UUID, o ScaleOptions) error {
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	var author uuid.UUID
	if err := pool.QueryRow(ctx, `SELECT id FROM users WHERE org_id = $1 AND 'MARKETER' = ANY(claim_roles || roles) ORDER BY email LIMIT 1`, org).Scan(&author); err != nil {
		return fmt.Errorf("scale seed needs a marketer in the organization: %w", err)
	}
	var issuer string
	if err := pool.QueryRow(ctx, `SELECT issuer FROM identity_providers WHERE org_id = $1 ORDER BY created_at LIMIT 1`, org).Scan(&issuer); err != nil {
		return fmt.Errorf("scale seed needs an identity provider: %w", err)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) //nolint:errcheck

	users := make([][]any, o.Employees)
	for i := range users {
		users[i] = []any{uuid.New(), org, issuer, fmt.Sprintf("scale-%d", i), fmt.Sprintf("employee%05d@example.com", i),
			fmt.Sprintf("Employee %d", i), []string{"EMPLOYEE"}, departments[rng.IntN(len(departments))], regions[rng.IntN(len(regions))]}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"users"}, []string{"id", "org_id", "issuer", "subject", "email", "name", "roles", "department", "region"},
		pgx.CopyFromRows(users)); err != nil {
		return fmt.Errorf("copy users: %w", err)
	}

	boardIDs := make([]uuid.UUID, o.Boards)
	boards := make([][]any, o.Boards)
	for i := range boards {
		boardIDs[i] = uuid.New()
		everyone, depts, regs := false, []string{}, []string{}
		switch {
		case i%5 == 0:
			everyone = true
		case i%2 == 0:
			depts = []string{departments[rng.IntN(len(departments))]}
		default:
			regs = []string{regions[rng.IntN(len(regions))]}
		}
		topic := topics[i%len(topics)]
		boards[i] = []any{boardIDs[i], org, fmt.Sprintf("%s%s board %d", strings.ToUpper(topic[:1]), topic[1:], i), everyone, depts, regs, author}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"boards"}, []string{"id", "org_id", "name", "audience_everyone", "audience_departments", "audience_regions", "created_by"},
		pgx.CopyFromRows(boards)); err != nil {
		return fmt.Errorf("copy boards: %w", err)
	}

	// Realistic text: Zipf-distributed words over a large vocabulary, the corpus the search
	// backends are measured with, so a query matches as selectively as it would in real life.
	corpus := corpus.New(o.Seed, boardIDs)
	posts := make([][]any, 0, o.Posts)
	versions := make([][]any, 0, o.Posts)
	items := make([][]any, 0, o.Posts*2)
	for i := range o.Posts {
		d := corpus.Document(org)
		c := content.Content{
			Title: d.Title, Body: d.Body, ShareText: d.ShareText, Tags: d.Tags,
			Channels: slices.DeleteFunc(d.Channels, func(ch string) bool { return !slices.Contains(content.Platforms(), ch) }),
			Link:     fmt.Sprintf("https://example.com/p/%d", i),
		}.Normalize()
		posts = append(posts, []any{d.PostID, org, author, "APPROVED", c.Title, 1, d.ApprovedAt, d.ApprovedAt, d.ApprovedAt})
		versions = append(versions, []any{d.VersionID, org, d.PostID, 1, c.Canonical(), c.Hash(), author, d.ApprovedAt})
		for _, b := range search.SortedIDs(d.BoardIDs) {
			items = append(items, []any{b, d.PostID, org, float64(d.ApprovedAt.Unix()), rng.IntN(200) == 0, d.ApprovedAt})
		}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"posts"}, []string{"id", "org_id", "author_id", "state", "title", "current_version", "approved_at", "created_at", "updated_at"},
		pgx.CopyFromRows(posts)); err != nil {
		return fmt.Errorf("copy posts: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"post_versions"}, []string{"id", "org_id", "post_id", "number", "content", "content_hash", "author_id", "created_at"},
		pgx.CopyFromRows(versions)); err != nil {
		return fmt.Errorf("copy versions: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"board_items"}, []string{"board_id", "post_id", "org_id", "position", "pinned", "added_at"},
		pgx.CopyFromRows(items)); err != nil {
		return fmt.Errorf("copy board items: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	_, err = pool.Exec(ctx, `ANALYZE users, boards, posts, post_versions, board_items`)
	return err
}
