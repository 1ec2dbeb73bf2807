import { Badge, Button, Chip, Group, Loader, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '../ui/icons';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { m } from '../app/messages';
import { PostCard } from '../feed/PostCard';
import { graphql } from '../gql';
import type { SearchQuery } from '../gql/graphql';
import { Highlight } from '../ui/Highlight';
import { Page } from '../ui/Page';
import { Empty, Loading, QueryError } from '../ui/QueryState';

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
/** How long typing pauses before the query goes out: short, so results follow the keystrokes. */
const SEARCH_DELAY_MS = 60;
/** Facet chips shown before "Show all filters": the most frequent; a chosen one always shows. */
const FACETS_SHOWN = 12;

/** As-you-type search of the approved posts on the caller's boards, with board and tag facets. */
export default function SearchPage() {
  const [params, setParams] = useSearchParams();
  const [input, setInput] = useState(params.get('q') ?? '');
  const [text] = useDebouncedValue(input.trim(), SEARCH_DELAY_MS);
  const boardId = params.get('board');
  const tags = params.getAll('tag');

  // The URL follows the query (replace: typing is not navigation), so a search can be linked.
  useEffect(() => {
    const next = new URLSearchParams(params);
    if (text) next.set('q', text);
    else next.delete('q');
    if (next.toString() !== params.toString()) setParams(next, { replace: true });
  }, [text, params, setParams]);

  const setFilter = (board: string | null, nextTags: string[]) => {
    const next = new URLSearchParams();
    if (text) next.set('q', text);
    if (board) next.set('board', board);
    nextTags.forEach((t) => next.append('tag', t));
    setParams(next, { replace: true });
  };

  return (
    <Page title={m.search.title}>
      <TextInput
        type="search"
        label={m.search.label}
        description={m.search.hint}
        placeholder={m.search.placeholder}
        leftSection={<IconSearch size={16} aria-hidden />}
        rightSection={input.trim() !== text ? <Loader size="xs" aria-hidden /> : null}
        value={input}
        onChange={(e) => setInput(e.currentTarget.value)}
        size="md"
      />
      {text === '' ? (
        <Empty>{m.search.start}</Empty>
      ) : (
        <Results key={`${text}|${boardId}|${tags.join(',')}`} text={text} boardId={boardId} tags={tags} onFilter={setFilter} />
      )}
    </Page>
  );
}

function Results({
  text,
  boardId,
  tags,
  onFilter,
}: {
  text: string;
  boardId: string | null;
  tags: string[];
  onFilter: (board: string | null, tags: string[]) => void;
}) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [allFacets, setAllFacets] = useState(false);
  const [{ data, error }, refetch] = useQuery({
    query: searchQuery,
    variables: { text, boardId, tags: tags.length ? tags : null, first: PAGE, after: null },
  });
  if (error) return <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!data) return <Loading />;
  const s = data.search;
  const filtered = boardId !== null || tags.length > 0;
  return (
    <Stack gap="md">
      {(s.boardFacets.length > 0 || s.tagFacets.length > 0 || filtered) && (
        <Stack gap="xs" component="section" aria-label={m.search.facets}>
          {s.boardFacets.length > 0 && (
            <div role="group" aria-label={m.search.byBoard}>
              <Text size="sm" fw={600} mb={4} aria-hidden>
                {m.search.byBoard}
              </Text>
              <Chip.Group multiple={false} value={boardId ?? ''} onChange={(v) => onFilter(v || null, tags)}>
                <Group gap={6}>
                  {s.boardFacets.filter((f, i) => allFacets || i < FACETS_SHOWN || f.board.id === boardId).map((f) => (
                    <Chip key={f.board.id} value={f.board.id} size="sm">
                      {f.board.name} ({f.count})
                    </Chip>
                  ))}
                </Group>
              </Chip.Group>
            </div>
          )}
          {s.tagFacets.length > 0 && (
            <div role="group" aria-label={m.search.byTag}>
              <Text size="sm" fw={600} mb={4} aria-hidden>
                {m.search.byTag}
              </Text>
              <Chip.Group multiple value={tags} onChange={(v) => onFilter(boardId, v)}>
                <Group gap={6}>
                  {s.tagFacets.filter((f, i) => allFacets || i < FACETS_SHOWN || tags.includes(f.tag)).map((f) => (
                    <Chip key={f.tag} value={f.tag} size="sm">
                      #{f.tag} ({f.count})
                    </Chip>
                  ))}
                </Group>
              </Chip.Group>
            </div>
          )}
          {!allFacets && (s.boardFacets.length > FACETS_SHOWN || s.tagFacets.length > FACETS_SHOWN) && (
            <div>
              <Button variant="subtle" size="compact-sm" onClick={() => setAllFacets(true)}>
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
      )}
      <Title order={2} fz="md" aria-live="polite">
        {s.edges.length === 0 ? m.search.empty(text) : m.search.total(s.total)}
      </Title>
      {s.edges.length > 0 && <Hits edges={s.edges} />}
      {cursors.slice(1).map((after, i) => (
        <MoreHits key={after} text={text} boardId={boardId} tags={tags} after={after!} last={i === cursors.length - 2} onMore={(c) => setCursors((cs) => [...cs, c])} />
      ))}
      {cursors.length === 1 && s.pageInfo.hasNextPage && s.pageInfo.endCursor && (
        <Button variant="default" onClick={() => setCursors([null, s.pageInfo.endCursor])}>
          {m.search.loadMore}
        </Button>
      )}
    </Stack>
  );
}

type Edges = SearchQuery['search']['edges'];

function Hits({ edges }: { edges: Edges }) {
  return (
    <>
      {edges.map(({ node }) => (
        <PostCard
          key={node.post.id}
          post={node.post}
          titleSlot={<Highlight html={node.title} />}
          body={<Highlight html={node.snippet} />}
          extra={
            node.boards.length > 0 && (
              <Group gap={4} aria-label={m.post.onBoards} role="group">
                {node.boards.map((b) => (
                  <Badge key={b.id} variant="light" color="gray">
                    {b.name}
                  </Badge>
                ))}
              </Group>
            )
          }
        />
      ))}
    </>
  );
}

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
