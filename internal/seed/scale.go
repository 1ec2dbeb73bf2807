package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"clearpost/internal/content"

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
	words       = strings.Fields(`approval workflow platform customers teams launch release feature analytics dashboard
		security compliance integration partner webinar conference keynote hiring engineers designers growth pipeline
		revenue onboarding automation insights reporting community culture award milestone roadmap announcement
		productivity collaboration mobile cloud data privacy performance reliability scale migration upgrade support
		training certification success story interview podcast blog guide checklist template summit workshop meetup`)
	cities = []string{"Lisbon", "Berlin", "Singapore", "Austin", "Toronto", "Sydney", "Dublin", "Tokyo", "Paris", "Madrid"}
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

	now := time.Now()
	posts := make([][]any, 0, o.Posts)
	versions := make([][]any, 0, o.Posts)
	items := make([][]any, 0, o.Posts*2)
	for i := range o.Posts {
		id := uuid.New()
		approvedAt := now.Add(-time.Duration(rng.IntN(180*24*3600)) * time.Second)
		c := content.Content{
			Title:     sentence(rng, 4),
			Body:      fmt.Sprintf("%s %s in %s. %s", sentence(rng, 8), topics[rng.IntN(len(topics))], cities[rng.IntN(len(cities))], sentence(rng, 14)),
			Link:      fmt.Sprintf("https://example.com/p/%d", i),
			Tags:      []string{topics[rng.IntN(len(topics))]},
			Channels:  []string{"linkedin", "x"}[:1+rng.IntN(2)],
			ShareText: sentence(rng, 6),
		}.Normalize()
		posts = append(posts, []any{id, org, author, "APPROVED", c.Title, 1, approvedAt, approvedAt, approvedAt})
		versions = append(versions, []any{uuid.New(), org, id, 1, c.Canonical(), c.Hash(), author, approvedAt})
		seen := map[int]bool{}
		for range 1 + rng.IntN(3) {
			b := rng.IntN(o.Boards)
			if seen[b] {
				continue
			}
			seen[b] = true
			items = append(items, []any{boardIDs[b], id, org, float64(approvedAt.Unix()), rng.IntN(200) == 0, approvedAt})
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

func sentence(rng *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = words[rng.IntN(len(words))]
	}
	w[0] = strings.ToUpper(w[0][:1]) + w[0][1:]
	return strings.Join(w, " ")
}
