import { Button, Chip, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconSearch } from '../ui/icons';
import { memo, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { m } from '../app/messages';
import { graphql } from '../gql';
import type { SearchQuery } from '../gql/graphql';
import { Page } from '../ui/Page';
import { Empty, Loading, QueryError } from '../ui/QueryState';
import { SearchHit } from './SearchHit';

const searchQuery = graphql(`
  query Search($text: String!, $boardId: ID, $tags: [String!], $first: Int!, $after: String) {
    search(text: $text, boardId: $boardId, tags: $tags, first: $first, after: $after) {
      total
      boardFacets {
        count
        board {
          id
          name
        }
      }
      tagFacets {
        tag
        count
      }
      edges {
        cursor
        node {
          score
          title
          snippet
          boards {
            id
            name
          }
          post {
            ...PostCard
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const PAGE = 10;
/** How long typing pauses before the URL follows the text. */
const URL_PAUSE_MS = 400;
/** Facet chips shown before "Show all filters": the most frequent; a chosen one always shows. */
const FACETS_SHOWN = 12;

type Filters = { text: string; boardId: string | null; tags: string[] };

/**
 * As-you-type search of the approved posts on the caller's boards, with board and tag facets.
 *
 * Every keystroke asks at once (no pause before the query): the query's variables change, urql
 * tears the superseded operation down (its fetch is aborted) and ignores whatever it would still
 * have answered, so only the latest text's results are shown. The results of the previous text
 * stay on the page, marked busy, until the new ones arrive; the results render as a transition
 * (useDeferredValue), so typing is never held up by painting them. The URL follows the text once
 * typing pauses: a navigation on every keystroke would render the whole app again each time.
 */
export default function SearchPage() {
  const [params, setParams] = useSearchParams();
  const [input, setInput] = useState(params.get('q') ?? '');
  const text = input.trim();
  const boardId = params.get('board');
  const tags = params.getAll('tag');

  // The URL follows the query (replace: typing is not navigation), so a search can be linked; at
  // once when the box loses focus, so that leaving for a hit keeps the text in the history.
  const pendingURL = useRef<URLSearchParams | null>(null);
  useEffect(() => {
    const next = new URLSearchParams(params);
    if (text) next.set('q', text);
    else next.delete('q');
    if (next.toString() === params.toString()) {
      pendingURL.current = null;
      return;
    }
    pendingURL.current = next;
    const id = setTimeout(() => setParams(next, { replace: true }), URL_PAUSE_MS);
    return () => clearTimeout(id);
  }, [text, params, setParams]);
  const flushURL = () => {
    if (pendingURL.current) setParams(pendingURL.current, { replace: true });
    pendingURL.current = null;
  };

  // The filters' callback stays one function while the text and the URL change, so the facets
  // (memoized) do not render again on every keystroke.
  const latest = useRef({ text, setParams });
  latest.current = { text, setParams };
  const setFilter = useCallback((board: string | null, nextTags: string[]) => {
    const { text, setParams } = latest.current;
    const next = new URLSearchParams();
    if (text) next.set('q', text);
    if (board) next.set('board', board);
    nextTags.forEach((t) => next.append('tag', t));
    setParams(next, { replace: true });
  }, []);

  return (
    <Page title={m.search.title}>
      <TextInput
        type="search"
        label={m.search.label}
        description={m.search.hint}
        placeholder={m.search.placeholder}
        leftSection={<IconSearch size={16} aria-hidden />}
        value={input}
        onChange={(e) => setInput(e.currentTarget.value)}
        onBlur={flushURL}
        size="md"
      />
      {text === '' ? <Empty>{m.search.start}</Empty> : <Results text={text} boardId={boardId} tags={tags} onFilter={setFilter} />}
    </Page>
  );
}

const sameFilters = (a: Filters, b: Filters) => a.text === b.text && a.boardId === b.boardId && a.tags.join('\n') === b.tags.join('\n');

function Results({ text, boardId, tags, onFilter }: Filters & { onFilter: (board: string | null, tags: string[]) => void }) {
  const tagKey = tags.join('\n');
  // One array while the tags stay, one object per search (not per render), so what the results
  // were asked for can be compared and the facets do not render again on every keystroke.
  const askedTags = useMemo(() => (tagKey ? tagKey.split('\n') : []), [tagKey]);
  const asked = useMemo<Filters>(() => ({ text, boardId, tags: askedTags }), [text, boardId, askedTags]);
  // Pages beyond the first and the "all filters" switch belong to one search: a new one starts over.
  const [more, setMore] = useState<{ of: Filters; cursors: string[]; allFacets: boolean }>({ of: asked, cursors: [], allFacets: false });
  const mine = more.of === asked ? more : { of: asked, cursors: [], allFacets: false };
  const [{ data, error, operation }, refetch] = useQuery({
    query: searchQuery,
    variables: { text: asked.text, boardId: asked.boardId, tags: asked.tags.length ? asked.tags : null, first: PAGE, after: null },
  });
  // What the shown data answers: the operation it came from (urql keeps the previous data while
  // the next query is on its way).
  const answered = useMemo<Filters | null>(() => {
    const v = operation?.variables as { text: string; boardId?: string | null; tags?: string[] | null } | undefined;
    return v ? { text: v.text, boardId: v.boardId ?? null, tags: v.tags ?? [] } : null;
  }, [operation]);
  const latest = useMemo(() => (data && answered ? { data, of: answered } : null), [data, answered]);
  const shown = useDeferredValue(latest);
  const onAll = useCallback(() => setMore((was) => ({ of: asked, cursors: was.of === asked ? was.cursors : [], allFacets: true })), [asked]);
  // urql keeps the last error too while the next query is on its way: only this search's counts.
  if (error && answered && sameFilters(answered, asked)) {
    return (
      <div data-results-for={asked.text}>
        <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      </div>
    );
  }
  if (!shown) return <Loading />;
  const current = sameFilters(shown.of, asked);
  const s = shown.data.search;
  const filtered = boardId !== null || tags.length > 0;
  return (
    <Stack gap="md" aria-busy={current ? undefined : true} style={current ? undefined : { opacity: 0.6 }} data-results-for={shown.of.text}>
      {(s.boardFacets.length > 0 || s.tagFacets.length > 0 || filtered) && (
        <Facets
          boardFacets={s.boardFacets}
          tagFacets={s.tagFacets}
          boardId={boardId}
          tags={asked.tags}
          all={mine.allFacets}
          onAll={onAll}
          onFilter={onFilter}
        />
      )}
      <Title order={2} fz="md" aria-live="polite">
        {s.edges.length === 0 ? m.search.empty(shown.of.text) : m.search.total(s.total)}
      </Title>
      {s.edges.length > 0 && <Hits edges={s.edges} />}
      {current &&
        mine.cursors.map((after, i) => (
          <MoreHits
            key={after}
            text={text}
            boardId={boardId}
            tags={asked.tags}
            after={after}
            last={i === mine.cursors.length - 1}
            onMore={(c) => setMore({ ...mine, cursors: [...mine.cursors, c] })}
          />
        ))}
      {current && mine.cursors.length === 0 && s.pageInfo.hasNextPage && s.pageInfo.endCursor && (
        <Button variant="default" onClick={() => setMore({ ...mine, cursors: [s.pageInfo.endCursor!] })}>
          {m.search.loadMore}
        </Button>
      )}
    </Stack>
  );
}

type Search = SearchQuery['search'];

/** The board and tag filters: the most frequent first, all of them on demand. */
const Facets = memo(function Facets({
  boardFacets,
  tagFacets,
  boardId,
  tags,
  all,
  onAll,
  onFilter,
}: {
  boardFacets: Search['boardFacets'];
  tagFacets: Search['tagFacets'];
  boardId: string | null;
  tags: string[];
  all: boolean;
  onAll: () => void;
  onFilter: (board: string | null, tags: string[]) => void;
}) {
  const filtered = boardId !== null || tags.length > 0;
  return (
    <Stack gap="xs" component="section" aria-label={m.search.facets}>
      {boardFacets.length > 0 && (
        <div role="group" aria-label={m.search.byBoard}>
          <Text size="sm" fw={600} mb={4} aria-hidden>
            {m.search.byBoard}
          </Text>
          <Chip.Group multiple={false} value={boardId ?? ''} onChange={(v) => onFilter(v || null, tags)}>
            <Group gap={6}>
              {boardFacets
                .filter((f, i) => all || i < FACETS_SHOWN || f.board.id === boardId)
                .map((f) => (
                  <Chip key={f.board.id} value={f.board.id} size="sm">
                    {f.board.name} ({f.count})
                  </Chip>
                ))}
            </Group>
          </Chip.Group>
        </div>
      )}
      {tagFacets.length > 0 && (
        <div role="group" aria-label={m.search.byTag}>
          <Text size="sm" fw={600} mb={4} aria-hidden>
            {m.search.byTag}
          </Text>
          <Chip.Group multiple value={tags} onChange={(v) => onFilter(boardId, v)}>
            <Group gap={6}>
              {tagFacets
                .filter((f, i) => all || i < FACETS_SHOWN || tags.includes(f.tag))
                .map((f) => (
                  <Chip key={f.tag} value={f.tag} size="sm">
                    #{f.tag} ({f.count})
                  </Chip>
                ))}
            </Group>
          </Chip.Group>
        </div>
      )}
      {!all && (boardFacets.length > FACETS_SHOWN || tagFacets.length > FACETS_SHOWN) && (
        <div>
          <Button variant="subtle" size="compact-sm" onClick={onAll}>
            {m.search.allFilters}
          </Button>
        </div>
      )}
      {filtered && (
        <div>
          <Button variant="subtle" size="compact-sm" onClick={() => onFilter(null, [])}>
            {m.search.clearFilters}
          </Button>
        </div>
      )}
    </Stack>
  );
});

type Edges = SearchQuery['search']['edges'];

/** The hits of one page; a page's edges are one array until its query changes, so it renders once. */
const Hits = memo(function Hits({ edges }: { edges: Edges }) {
  return (
    <>
      {edges.map(({ node }) => (
        <SearchHit key={node.post.id} hit={node} />
      ))}
    </>
  );
});

function MoreHits(props: { text: string; boardId: string | null; tags: string[]; after: string; last: boolean; onMore: (c: string) => void }) {
  const { text, boardId, tags, after, last, onMore } = props;
  const [{ data, error }] = useQuery({
    query: searchQuery,
    variables: { text, boardId, tags: tags.length ? tags : null, first: PAGE, after },
  });
  if (error) return <QueryError error={error} />;
  if (!data) return <Loading />;
  const s = data.search;
  return (
    <>
      <Hits edges={s.edges} />
      {last && s.pageInfo.hasNextPage && s.pageInfo.endCursor && (
        <Button variant="default" onClick={() => onMore(s.pageInfo.endCursor!)}>
          {m.search.loadMore}
        </Button>
      )}
    </>
  );
}
