// Package meili is the Meilisearch search backend (meilisearch-go): one index per deployment,
// documents keyed by post id and carrying their organization, every search filtered by
// organization and boards, every write awaited until Meilisearch reports its task succeeded.
package meili

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"clearpost/internal/search"

	"github.com/meilisearch/meilisearch-go"
)

// Config says where the index is.
type Config struct {
	URL    string // e.g. http://127.0.0.1:7700
	APIKey string // a key allowed to write documents and settings; may be empty for an open server
	// Index is the index uid; DefaultIndex when empty.
	Index string
	// HTTPClient is the client to use; a client with a 30 s timeout when nil.
	HTTPClient *http.Client
	// BatchSize is how many documents one write task carries; DefaultBatchSize when 0.
	BatchSize int
	// PollInterval is how often a write polls its task; 50 ms when 0.
	PollInterval time.Duration
}

// Defaults.
const (
	DefaultIndex     = "posts"
	DefaultBatchSize = 1000
)

// Index is the search.Index on Meilisearch.
type Index struct {
	client meilisearch.ServiceManager
	index  meilisearch.IndexManager
	uid    string
	batch  int
	poll   time.Duration
}

var _ search.Index = (*Index)(nil)

// New returns the index cfg describes without contacting the server; Setup prepares it.
func New(cfg Config) *Index {
	if cfg.Index == "" {
		cfg.Index = DefaultIndex
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 50 * time.Millisecond
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	opts := []meilisearch.Option{meilisearch.WithCustomClient(cfg.HTTPClient)}
	if cfg.APIKey != "" {
		opts = append(opts, meilisearch.WithAPIKey(cfg.APIKey))
	}
	client := meilisearch.New(cfg.URL, opts...)
	return &Index{client: client, index: client.Index(cfg.Index), uid: cfg.Index, batch: cfg.BatchSize, poll: cfg.PollInterval}
}

// Open returns the index cfg describes, created and set up (see Setup).
func Open(ctx context.Context, cfg Config) (*Index, error) {
	x := New(cfg)
	if err := x.Setup(ctx); err != nil {
		return nil, err
	}
	return x, nil
}

// UID returns the index uid, the key of a tenant token's search rules.
func (x *Index) UID() string { return x.uid }

// Settings are the index settings Setup applies: what is searched (title first), what can be
// filtered and faceted on, newest-first listing, Meilisearch's default typo budget spelt out,
// and hits and facet values bounded as search.MaxWindow and search.MaxFacetValues say.
func Settings() *meilisearch.Settings {
	return &meilisearch.Settings{
		SearchableAttributes: []string{"title", "tags", "body", "share_text"},
		FilterableAttributes: []string{"org_id", "board_ids", "tags", "channels", "language"},
		SortableAttributes:   []string{"approved_at"},
		TypoTolerance: &meilisearch.TypoTolerance{
			Enabled:             true,
			MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{OneTypo: 5, TwoTypos: 9},
			DisableOnWords:      []string{},
			DisableOnAttributes: []string{},
		},
		Pagination: &meilisearch.Pagination{MaxTotalHits: search.MaxWindow},
		Faceting: &meilisearch.Faceting{
			MaxValuesPerFacet: search.MaxFacetValues,
			SortFacetValuesBy: map[string]meilisearch.SortFacetType{"*": meilisearch.SortFacetTypeCount},
		},
	}
}

// Setup creates the index (primary key "id") if it does not exist and applies Settings, waiting
// for both tasks. It is idempotent: every process may run it at start.
func (x *Index) Setup(ctx context.Context) error {
	info, err := x.client.CreateIndexWithContext(ctx, &meilisearch.IndexConfig{Uid: x.uid, PrimaryKey: "id"})
	if err != nil {
		return fmt.Errorf("create meilisearch index %s: %w", x.uid, err)
	}
	if err := x.wait(ctx, info.TaskUID); err != nil && !errors.Is(err, errIndexExists) {
		return fmt.Errorf("create meilisearch index %s: %w", x.uid, err)
	}
	info, err = x.index.UpdateSettingsWithContext(ctx, Settings())
	if err != nil {
		return fmt.Errorf("meilisearch index %s settings: %w", x.uid, err)
	}
	if err := x.wait(ctx, info.TaskUID); err != nil {
		return fmt.Errorf("meilisearch index %s settings: %w", x.uid, err)
	}
	return nil
}

var errIndexExists = errors.New("index already exists")

// TaskError is a Meilisearch task that did not succeed.
type TaskError struct {
	TaskUID int64
	Status  meilisearch.TaskStatus
	Code    string // Meilisearch's error code, e.g. "invalid_document_id"
	Message string
}

func (e *TaskError) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("meilisearch task %d %s", e.TaskUID, e.Status)
	}
	return fmt.Sprintf("meilisearch task %d %s: %s (%s)", e.TaskUID, e.Status, e.Message, e.Code)
}

// Is lets errors.Is(err, errIndexExists) recognise the task of creating an existing index.
func (e *TaskError) Is(target error) bool {
	return target == errIndexExists && e.Code == "index_already_exists"
}

// wait polls a task until it is done and returns a *TaskError unless it succeeded.
func (x *Index) wait(ctx context.Context, taskUID int64) error {
	task, err := x.client.WaitForTaskWithContext(ctx, taskUID, x.poll)
	if err != nil {
		return fmt.Errorf("wait for meilisearch task %d: %w", taskUID, err)
	}
	if task.Status != meilisearch.TaskStatusSucceeded {
		return &TaskError{TaskUID: taskUID, Status: task.Status, Code: task.Error.Code, Message: task.Error.Message}
	}
	return nil
}
