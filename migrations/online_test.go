package migrations

import (
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// firstOnline is the first migration written for rolling upgrades: from it on, old and new serve
// and worker processes run side by side over one schema while a migration applies, so each must
// keep the previous release working (expand now, contract in a later release) and must not hold
// a lock that stops reads or writes of a table for longer than a catalog change.
const firstOnline = 17

// TestMigrationsAreOnline holds every migration from firstOnline on to the rules online checks.
func TestMigrationsAreOnline(t *testing.T) {
	t.Parallel()
	names, err := fs.Glob(FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range names {
		n, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			t.Fatalf("%s: not numbered", name)
		}
		if n < firstOnline {
			continue
		}
		b, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, problem := range online(string(b)) {
			t.Errorf("%s: %s", name, problem)
		}
		checked++
	}
	if checked == 0 {
		t.Fatalf("no migration numbered %d or later: the rules checked nothing", firstOnline)
	}
}

// TestOnlineCatchesWhatBlocksOrBreaks shows each rule refusing what it is for, and accepting
// the online way of doing the same.
func TestOnlineCatchesWhatBlocksOrBreaks(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ sql, want string }{
		{"CREATE INDEX posts_title ON posts (title);", "CONCURRENTLY"},
		{"CREATE UNIQUE INDEX posts_slug ON posts (slug);", "CONCURRENTLY"},
		{"ALTER TABLE posts ADD COLUMN slug text NOT NULL;", "NOT NULL without a default"},
		{"ALTER TABLE posts ADD COLUMN seen timestamptz NOT NULL DEFAULT now();", "volatile default"},
		{"ALTER TABLE posts DROP COLUMN title;", "contract"},
		{"ALTER TABLE posts RENAME COLUMN title TO headline;", "contract"},
		{"ALTER TABLE posts ALTER COLUMN title TYPE varchar(200);", "contract"},
		{"ALTER TABLE posts ALTER COLUMN title SET NOT NULL;", "contract"},
		{"DROP TABLE comments;", "contract"},
		{"ALTER TABLE posts ADD CONSTRAINT posts_org FOREIGN KEY (org_id) REFERENCES organizations (id);", "NOT VALID"},
		{"ALTER TABLE posts ADD CONSTRAINT title_len CHECK (length(title) < 200);", "NOT VALID"},
		{"UPDATE posts SET state = 'DRAFT';", "every row"},
		{"DELETE FROM outbox;", "every row"},
	} {
		body := "-- +goose NO TRANSACTION\n-- +goose Up\n" + c.sql + "\n-- +goose Down\nSELECT 1;\n"
		problems := online(body)
		if len(problems) == 0 || !strings.Contains(strings.Join(problems, "\n"), c.want) {
			t.Errorf("%s: problems %q, want one naming %q", c.sql, problems, c.want)
		}
	}
	for _, ok := range []string{
		"CREATE INDEX CONCURRENTLY IF NOT EXISTS posts_title ON posts (title);",
		"CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL);\nCREATE INDEX notes_body ON notes (body);",
		"ALTER TABLE posts ADD COLUMN slug text;",
		"ALTER TABLE posts ADD COLUMN pinned boolean NOT NULL DEFAULT false;",
		"ALTER TABLE posts ADD CONSTRAINT title_len CHECK (length(title) < 200) NOT VALID;",
		"-- contract: nothing reads title since the release that added headline\nALTER TABLE posts DROP COLUMN title;",
		"ALTER TABLE posts ADD COLUMN headline text;\n-- contract: the release before this one stopped reading title\nALTER TABLE posts DROP COLUMN title;",
		"UPDATE posts SET slug = id::text WHERE id IN (SELECT id FROM posts WHERE slug IS NULL LIMIT 1000);",
	} {
		body := "-- +goose NO TRANSACTION\n-- +goose Up\n" + ok + "\n-- +goose Down\nSELECT 1;\n"
		if problems := online(body); len(problems) != 0 {
			t.Errorf("%s: refused: %q", ok, problems)
		}
	}
	// An index built concurrently cannot be built inside goose's transaction.
	if problems := online("-- +goose Up\nCREATE INDEX CONCURRENTLY a ON posts (title);\n"); len(problems) == 0 {
		t.Error("CONCURRENTLY inside a transaction accepted")
	}
}

var (
	createTable  = regexp.MustCompile(`(?i)^CREATE TABLE (?:IF NOT EXISTS )?(\w+)`)
	createIndex  = regexp.MustCompile(`(?i)^CREATE (?:UNIQUE )?INDEX (CONCURRENTLY )?(?:IF NOT EXISTS )?\w+ ON (?:ONLY )?(\w+)`)
	alterTable   = regexp.MustCompile(`(?i)^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?(\w+)`)
	addNotNull   = regexp.MustCompile(`(?i)ADD COLUMN [^,]*\bNOT NULL\b`)
	hasDefault   = regexp.MustCompile(`(?i)\bDEFAULT\b`)
	volatile     = regexp.MustCompile(`(?i)\bDEFAULT\s+(now\(\)|clock_timestamp\(\)|gen_random_uuid\(\)|random\(\)|current_timestamp)`)
	contractOp   = regexp.MustCompile(`(?i)\bDROP COLUMN\b|\bRENAME\b|\bALTER COLUMN \w+ (SET DATA )?TYPE\b|\bSET NOT NULL\b`)
	dropTable    = regexp.MustCompile(`(?i)^DROP TABLE (?:IF EXISTS )?(\w+)`)
	constraint   = regexp.MustCompile(`(?i)ADD CONSTRAINT \w+ (FOREIGN KEY|CHECK)\b`)
	wholeTable   = regexp.MustCompile(`(?i)^(UPDATE \w+ SET|DELETE FROM \w+)`)
	lineComment  = regexp.MustCompile(`--[^\n]*`)
	contractLine = regexp.MustCompile(`-- contract:[^\n]*`)
	contractNote = "-- contract:"
)

// online lists what in a migration's Up section would block reads or writes for longer than a
// catalog change, or break the release before it: an index not built concurrently on an existing
// table, a NOT NULL column without a default (old writers do not set it), a volatile default (a
// table rewrite), a foreign key or check validated under lock (add it NOT VALID, validate later),
// a statement touching every row at once, and a contract step (drop, rename, retype, SET NOT
// NULL) unless a "-- contract:" comment right before it says why no running release needs the
// old shape.
func online(migration string) []string {
	var problems []string
	up, _, _ := strings.Cut(migration, "-- +goose Down")
	_, up, _ = strings.Cut(up, "-- +goose Up")
	noTx := strings.Contains(migration, "-- +goose NO TRANSACTION")
	created := map[string]bool{}
	// Comments go before statements are split (they may hold semicolons); a contract note stays
	// as a marker on the statement it precedes.
	up = contractLine.ReplaceAllString(up, "\x00")
	up = lineComment.ReplaceAllString(up, "")
	for _, raw := range strings.Split(up, ";") {
		contract := strings.Contains(raw, "\x00")
		stmt := strings.Join(strings.Fields(strings.ReplaceAll(raw, "\x00", "")), " ")
		if stmt == "" {
			continue
		}
		bad := func(format string, args ...any) {
			problems = append(problems, fmt.Sprintf("%q: ", stmt)+fmt.Sprintf(format, args...))
		}
		if m := createTable.FindStringSubmatch(stmt); m != nil {
			created[strings.ToLower(m[1])] = true
			continue
		}
		if m := createIndex.FindStringSubmatch(stmt); m != nil {
			switch {
			case m[1] == "" && !created[strings.ToLower(m[2])]:
				bad("build the index CONCURRENTLY (in a migration marked NO TRANSACTION): a plain build blocks writes to %s until it is done", m[2])
			case m[1] != "" && !noTx:
				bad("CREATE INDEX CONCURRENTLY cannot run in a transaction: mark the migration -- +goose NO TRANSACTION")
			}
			continue
		}
		if m := dropTable.FindStringSubmatch(stmt); m != nil && !created[strings.ToLower(m[1])] && !contract {
			bad("dropping a table is a contract step: the previous release still uses it (say why not with %q)", contractNote)
			continue
		}
		if m := alterTable.FindStringSubmatch(stmt); m != nil && !created[strings.ToLower(m[1])] {
			if addNotNull.MatchString(stmt) && !hasDefault.MatchString(stmt) {
				bad("a NOT NULL without a default breaks the previous release's inserts: add it nullable or with a constant default")
			}
			if volatile.MatchString(stmt) {
				bad("a volatile default rewrites the whole table under an exclusive lock: add the column without it and backfill in batches")
			}
			if constraint.MatchString(stmt) && !strings.Contains(strings.ToUpper(stmt), "NOT VALID") {
				bad("the constraint is checked against every row under lock: add it NOT VALID and VALIDATE CONSTRAINT in a later statement")
			}
			if contractOp.MatchString(stmt) && !contract {
				bad("this is a contract step: the previous release still reads or writes the old shape (say why not with %q)", contractNote)
			}
		}
		if wholeTable.MatchString(stmt) && !strings.Contains(strings.ToUpper(stmt), " WHERE ") {
			bad("a statement over every row locks them all for as long as it runs: backfill in batches")
		}
	}
	return problems
}
