-- +goose Up
-- A search reads up to a thousand rows of search_documents to rank and count them, and shows
-- twenty. The texts it shows (title, body, share text) move to search_texts, read for those twenty
-- only, so that a search_documents row (the vector, boards, tags) stays under PostgreSQL's 2 kB
-- TOAST threshold: read in one piece, from about half the pages. The vector, no longer generated
-- from columns of its own row, is computed by the statement that writes the document.
CREATE TABLE search_texts (
    org_id     uuid NOT NULL,
    post_id    uuid NOT NULL,
    title      text NOT NULL DEFAULT '',
    body       text NOT NULL DEFAULT '',
    share_text text NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, post_id)
);
INSERT INTO search_texts (org_id, post_id, title, body, share_text)
SELECT org_id, post_id, title, body, share_text FROM search_documents;

-- A new table rather than dropped columns: dropped columns (and vectors already moved out of
-- line) would stay in every row until it is written again.
CREATE TABLE search_documents_narrow (
    org_id       uuid NOT NULL,
    post_id      uuid NOT NULL,
    version_id   uuid NOT NULL,
    content_hash text NOT NULL,
    tags         text[] NOT NULL DEFAULT '{}',
    channels     text[] NOT NULL DEFAULT '{}',
    category     text NOT NULL DEFAULT '',
    region       text NOT NULL DEFAULT '',
    language     regconfig NOT NULL DEFAULT 'english',
    board_ids    uuid[] NOT NULL CONSTRAINT search_documents_board_ids_check CHECK (cardinality(board_ids) > 0),
    approved_at  timestamptz NOT NULL,
    -- search_tsvector(language, title, tags, body, share_text) of the document's search_texts row
    tsv          tsvector NOT NULL,
    indexed_at   timestamptz NOT NULL DEFAULT now()
);
INSERT INTO search_documents_narrow (org_id, post_id, version_id, content_hash, tags, channels, category,
    region, language, board_ids, approved_at, tsv, indexed_at)
SELECT org_id, post_id, version_id, content_hash, tags, channels, category, region, language, board_ids,
    approved_at, tsv, indexed_at
FROM search_documents;
DROP TABLE search_documents;
ALTER TABLE search_documents_narrow RENAME TO search_documents;
ALTER TABLE search_documents ADD CONSTRAINT search_documents_pkey PRIMARY KEY (org_id, post_id);
CREATE INDEX search_documents_search ON search_documents USING gin (tsv, board_ids, tags, channels);
CREATE INDEX search_documents_recent ON search_documents (org_id, approved_at DESC, post_id)
    INCLUDE (board_ids, tags, channels);

-- +goose Down
CREATE TABLE search_documents_wide (
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
    language     regconfig NOT NULL DEFAULT 'english',
    board_ids    uuid[] NOT NULL CONSTRAINT search_documents_board_ids_check CHECK (cardinality(board_ids) > 0),
    approved_at  timestamptz NOT NULL,
    tsv          tsvector NOT NULL GENERATED ALWAYS AS (search_tsvector(language, title, tags, body, share_text)) STORED,
    indexed_at   timestamptz NOT NULL DEFAULT now()
);
INSERT INTO search_documents_wide (org_id, post_id, version_id, content_hash, title, body, share_text, tags,
    channels, category, region, language, board_ids, approved_at, indexed_at)
SELECT d.org_id, d.post_id, d.version_id, d.content_hash, coalesce(t.title, ''), coalesce(t.body, ''),
    coalesce(t.share_text, ''), d.tags, d.channels, d.category, d.region, d.language, d.board_ids,
    d.approved_at, d.indexed_at
FROM search_documents d LEFT JOIN search_texts t USING (org_id, post_id);
DROP TABLE search_documents, search_texts;
ALTER TABLE search_documents_wide RENAME TO search_documents;
ALTER TABLE search_documents ADD CONSTRAINT search_documents_pkey PRIMARY KEY (org_id, post_id);
CREATE INDEX search_documents_search ON search_documents USING gin (tsv, board_ids, tags, channels);
CREATE INDEX search_documents_recent ON search_documents (org_id, approved_at DESC, post_id)
    INCLUDE (board_ids, tags, channels);
