-- +goose Up
-- The embedded search backend (internal/search/postgres): full-text search over the approved posts
-- that are on at least one board. Like a Meilisearch index, these tables hold only what
-- `clearpost reindex` rebuilds from the posts and boards, so they carry no foreign keys: indexing
-- never locks or waits on the source rows.
CREATE EXTENSION IF NOT EXISTS pg_trgm;       -- trigram similarity, for typos
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch; -- Levenshtein distance, for typos

-- search_tsvector is what a document is searched by: its title (weight A), tags (B), body (C) and
-- share text (D). IMMUTABLE (as a generated column needs) although array_to_string is only
-- STABLE: joining text with text does not depend on any setting.
CREATE FUNCTION search_tsvector(config regconfig, title text, tags text[], body text, share_text text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN setweight(to_tsvector(config, title), 'A') ||
       setweight(to_tsvector(config, array_to_string(tags, ' ')), 'B') ||
       setweight(to_tsvector(config, body), 'C') ||
       setweight(to_tsvector(config, share_text), 'D');

CREATE TABLE search_documents (
    org_id       uuid NOT NULL,
    post_id      uuid NOT NULL,
    version_id   uuid NOT NULL,
    content_hash text NOT NULL,
    title        text NOT NULL DEFAULT '',
    body         text NOT NULL DEFAULT '',
    share_text   text NOT NULL DEFAULT '',
    tags         text[] NOT NULL DEFAULT '{}',
    channels     text[] NOT NULL DEFAULT '{}',
    category     text NOT NULL DEFAULT '',
    region       text NOT NULL DEFAULT '',
    -- the text search configuration the document was parsed with ('english', 'french', 'simple')
    language     regconfig NOT NULL DEFAULT 'english',
    -- the boards the post is on; a post on no board is not in the index at all
    board_ids    uuid[] NOT NULL CHECK (cardinality(board_ids) > 0),
    approved_at  timestamptz NOT NULL,
    -- what the text is searched by, never out of step with the row
    tsv          tsvector NOT NULL GENERATED ALWAYS AS (search_tsvector(language, title, tags, body, share_text)) STORED,
    indexed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, post_id)
);
-- One GIN index for the text and every filter: a multicolumn GIN index intersects the conditions
-- on its columns inside the index, so a search visits only rows that match them all.
CREATE INDEX search_documents_search ON search_documents USING gin (tsv, board_ids, tags, channels);
-- Searches without text list the newest first; the included columns let them filter and count
-- from the index alone.
CREATE INDEX search_documents_recent ON search_documents (org_id, approved_at DESC, post_id)
    INCLUDE (board_ids, tags, channels);

-- Every lexeme of an organization's documents, for typo tolerance: a query lexeme that no
-- document has is widened to the most similar lexemes here (pg_trgm), so "aproval" finds
-- "approval". Terms are added as documents are written and never removed: a stale term only
-- widens a query to a word that matches nothing.
CREATE TABLE search_terms (
    org_id uuid NOT NULL,
    term   text NOT NULL,
    PRIMARY KEY (org_id, term)
);
CREATE INDEX search_terms_trgm ON search_terms USING gin (term gin_trgm_ops);

-- quote_lexeme writes a lexeme as a quoted tsquery operand, so that no character of it is read as
-- an operator.
CREATE FUNCTION quote_lexeme(lexeme text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN '''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || '''';

-- search_tsquery parses user text with websearch_to_tsquery and widens each lexeme that none of
-- the organization's documents contain (a misspelling, most likely) into an OR with up to three
-- known lexemes within Meilisearch's typo budget: one typo (Levenshtein distance) from five
-- characters, two from eight; shorter lexemes must be spelt right. Candidates come from the
-- trigram index (similarity at least pg_trgm.similarity_threshold, 0.3 by default), the closest
-- first.
-- +goose StatementBegin
CREATE FUNCTION search_tsquery(org uuid, config regconfig, query text)
RETURNS tsquery LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    q      tsquery := websearch_to_tsquery(config, query);
    lex    text;
    budget int;
    alt    tsquery;
BEGIN
    FOR lex IN
        SELECT DISTINCT l FROM unnest(tsvector_to_array(to_tsvector(config, query))) AS l
        WHERE char_length(l) >= 5
          AND NOT EXISTS (SELECT 1 FROM search_terms t WHERE t.org_id = org AND t.term = l)
    LOOP
        budget := CASE WHEN char_length(lex) >= 8 THEN 2 ELSE 1 END;
        SELECT string_agg(quote_lexeme(c.term), ' | ' ORDER BY c.typos, c.sim DESC, c.term)::tsquery INTO alt
        FROM (
            SELECT t.term, levenshtein_less_equal(t.term, lex, budget) AS typos, similarity(t.term, lex) AS sim
            FROM search_terms t
            WHERE t.org_id = org AND t.term % lex
            ORDER BY 2, 3 DESC, 1
            LIMIT 3
        ) c
        WHERE c.typos <= budget;
        IF alt IS NOT NULL THEN
            q := ts_rewrite(q, quote_lexeme(lex)::tsquery, quote_lexeme(lex)::tsquery || alt);
        END IF;
    END LOOP;
    RETURN q;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION search_tsquery(uuid, regconfig, text);
DROP FUNCTION quote_lexeme(text);
DROP TABLE search_terms, search_documents;
DROP FUNCTION search_tsvector(regconfig, text, text[], text, text);
