import { Button, Chip, Group, ScrollArea, Stack, Text } from '@mantine/core';
import { useIntersection } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { m } from '../app/messages';
import { graphql } from '../gql';
import { Page } from '../ui/Page';
import { Empty, Loading, QueryError } from '../ui/QueryState';
import { PostCard } from './PostCard';

const boardsQuery = graphql(`
  query FeedBoards {
    boards(first: 50) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

const feedQuery = graphql(`
  query Feed($first: Int!, $after: String, $boardId: ID) {
    feed(first: $first, after: $after, boardId: $boardId) {
      edges {
        cursor
        node {
          boardId
          board {
            id
            name
          }
          pinned
          expiresAt
          suggestedText {
            network
            text
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

export default function FeedPage() {
  const [params, setParams] = useSearchParams();
  const boardId = params.get('board');
  // One query per page of the connection; the next page loads when the end comes into view.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  useEffect(() => setCursors([null]), [boardId]);
  return (
    <Page title={m.feed.title} intro={m.feed.intro}>
      <BoardFilter boardId={boardId} onChange={(id) => setParams(id ? { board: id } : {}, { replace: true })} />
      <Stack gap="md">
        {cursors.map((after, i) => (
          <FeedChunk
            key={`${boardId}:${after ?? ''}`}
            boardId={boardId}
            after={after}
            first={i === 0}
            last={i === cursors.length - 1}
            onMore={(end) => setCursors((cs) => (cs.includes(end) ? cs : [...cs, end]))}
          />
        ))}
      </Stack>
    </Page>
  );
}

function BoardFilter({ boardId, onChange }: { boardId: string | null; onChange: (id: string | null) => void }) {
  const [{ data, error }] = useQuery({ query: boardsQuery });
  if (error) return <QueryError error={error} />;
  const boards = data?.boards.edges.map((e) => e.node) ?? [];
  if (boards.length < 2) return null;
  return (
    <div role="group" aria-label={m.feed.boards}>
      <ScrollArea type="never" offsetScrollbars={false}>
        <Chip.Group multiple={false} value={boardId ?? ''} onChange={(v) => onChange(v || null)}>
          <Group gap="xs" wrap="nowrap" pb={4}>
            <Chip value="">{m.feed.allBoards}</Chip>
            {boards.map((b) => (
              <Chip key={b.id} value={b.id}>
                {b.name}
              </Chip>
            ))}
          </Group>
        </Chip.Group>
      </ScrollArea>
    </div>
  );
}

function FeedChunk({
  boardId,
  after,
  first,
  last,
  onMore,
}: {
  boardId: string | null;
  after: string | null;
  first: boolean;
  last: boolean;
  onMore: (endCursor: string) => void;
}) {
  const [{ data, error, fetching }, refetch] = useQuery({ query: feedQuery, variables: { first: PAGE, after, boardId } });
  const { ref, entry } = useIntersection({ rootMargin: '400px' });
  const page = data?.feed;
  const next = page?.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  useEffect(() => {
    if (last && next && entry?.isIntersecting) onMore(next);
  }, [last, next, entry?.isIntersecting, onMore]);

  if (error) return <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!page) return <Loading label={first ? m.app.loading : m.feed.loadingMore} />;
  if (first && page.edges.length === 0) return <Empty>{boardId ? m.feed.emptyBoard : m.feed.empty}</Empty>;
  return (
    <>
      {page.edges.map(({ node }) => (
        <PostCard
          key={`${node.boardId}:${node.post.id}`}
          post={node.post}
          pinned={node.pinned}
          suggestedText={node.suggestedText}
          extra={
            // Under "All boards" a card says which board it is on (a post can be on several).
            !boardId &&
            node.board && (
              <ul className="board-labels" aria-label={m.post.onBoards}>
                <li>{node.board.name}</li>
              </ul>
            )
          }
        />
      ))}
      {last && next && (
        <div ref={ref}>
          <Button variant="default" fullWidth onClick={() => onMore(next)} loading={fetching}>
            {m.feed.loadMore}
          </Button>
        </div>
      )}
      {last && !next && !first && (
        <Text c="dimmed" ta="center" size="sm">
          {m.feed.end}
        </Text>
      )}
    </>
  );
}
