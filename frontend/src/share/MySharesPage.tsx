import { Anchor, Badge, Button, CopyButton, Group, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { errorMessage } from '../app/client';
import { m } from '../app/messages';
import { graphql } from '../gql';
import type { MySharesQuery } from '../gql/graphql';
import { relativeTime } from '../ui/format';
import { Page } from '../ui/Page';
import { Empty, Loading, QueryError } from '../ui/QueryState';

const mySharesQuery = graphql(`
  query MyShares($first: Int!, $after: String) {
    myShares(first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          network
          status
          statusReason
          text
          trackedUrl
          clicks
          createdAt
          sharedAt
          scheduleAt
          post {
            id
            title
            currentVersion {
              id
              content {
                title
              }
            }
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

const myTotalsQuery = graphql(`
  query MyShareTotals {
    myShareTotals {
      shares
      clicks
    }
  }
`);

const cancelShareMutation = graphql(`
  mutation CancelShare($id: ID!) {
    cancelShare(id: $id) {
      id
      status
      statusReason
    }
  }
`);

type ShareNode = MySharesQuery['myShares']['edges'][number]['node'];

const statusColor: Record<string, string> = {
  OPENED: 'green',
  PUBLISHED: 'green',
  PENDING_APPROVAL: 'yellow',
  SCHEDULED: 'blue',
  FAILED: 'red',
  REJECTED: 'red',
  CANCELED: 'gray',
};

export default function MySharesPage() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return (
    <Page title={m.myShares.title} intro={m.myShares.intro}>
      <Totals />
      <Stack gap="sm">
        {cursors.map((after, i) => (
          <SharesChunk key={after ?? ''} after={after} first={i === 0} last={i === cursors.length - 1} onMore={(c) => setCursors((cs) => [...cs, c])} />
        ))}
      </Stack>
    </Page>
  );
}

/** What the employee's shares add up to, over all time; nothing until there is something to add. */
function Totals() {
  const [{ data }] = useQuery({ query: myTotalsQuery, requestPolicy: 'cache-and-network' });
  const t = data?.myShareTotals;
  if (!t || (t.shares === 0 && t.clicks === 0)) return null;
  return (
    <SimpleGrid cols={2} spacing="sm" role="group" aria-label={m.myShares.totals}>
      {[
        { label: m.myShares.sharesOut, n: t.shares, id: 'total-shares' },
        { label: m.myShares.clicksOn, n: t.clicks, id: 'total-clicks' },
      ].map(({ label, n, id }) => (
        <Paper key={id} withBorder radius="md" p="md">
          <Text fz={28} fw={700} lh={1.1} data-testid={id}>
            {n}
          </Text>
          <Text size="sm" c="dimmed">
            {label}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}

function SharesChunk({ after, first, last, onMore }: { after: string | null; first: boolean; last: boolean; onMore: (c: string) => void }) {
  const [{ data, error, fetching }, refetch] = useQuery({ query: mySharesQuery, variables: { first: 20, after }, requestPolicy: 'cache-and-network' });
  if (error) return <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!data) return <Loading />;
  const page = data.myShares;
  if (first && page.edges.length === 0) return <Empty>{m.myShares.empty}</Empty>;
  return (
    <>
      {page.edges.map(({ node }) => (
        <ShareRow key={node.id} share={node} />
      ))}
      {last && page.pageInfo.hasNextPage && page.pageInfo.endCursor && (
        <Button variant="default" onClick={() => onMore(page.pageInfo.endCursor!)} loading={fetching}>
          {m.myShares.loadMore}
        </Button>
      )}
    </>
  );
}

function ShareRow({ share }: { share: ShareNode }) {
  const [cancel, doCancel] = useMutation(cancelShareMutation);
  const title = share.post ? share.post.currentVersion.content.title || share.post.title : m.myShares.removedPost;
  const when = share.sharedAt ?? share.scheduleAt ?? share.createdAt;
  const cancelable = share.status === 'SCHEDULED' || share.status === 'PENDING_APPROVAL';
  return (
    <Paper withBorder radius="md" p="md" component="article" aria-label={title}>
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="md">
        <Stack gap={6} style={{ minWidth: 0, flex: 1 }}>
          <Text fw={600} component="h2" fz="md" m={0}>
            {share.post ? (
              <Anchor component={Link} to={`/posts/${share.post.id}`} c="inherit" fw={600}>
                {title}
              </Anchor>
            ) : (
              title
            )}
          </Text>
          <Group gap={6} wrap="wrap">
            <Badge variant="outline" color="gray">
              {m.share.networks[share.network]}
            </Badge>
            <Badge color={statusColor[share.status] ?? 'gray'} variant="light">
              {m.myShares.statuses[share.status] ?? share.status}
            </Badge>
            <Text size="sm" c="dimmed">
              {relativeTime(when)}
            </Text>
          </Group>
          {share.statusReason && (
            <Text size="sm" c="dimmed">
              {share.statusReason}
            </Text>
          )}
          <Text size="sm" lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
            {share.text}
          </Text>
          <Group gap="xs" wrap="wrap">
            {share.trackedUrl && (
              <CopyButton value={share.trackedUrl}>
                {({ copied, copy }) => (
                  <Button size="compact-sm" variant="subtle" onClick={copy} aria-label={`${m.share.copy}: ${share.trackedUrl}`}>
                    {copied ? m.share.copied : m.share.copy}
                  </Button>
                )}
              </CopyButton>
            )}
            {cancelable && (
              <Button size="compact-sm" variant="subtle" color="red" onClick={() => void doCancel({ id: share.id })} loading={cancel.fetching}>
                {m.myShares.cancel}
              </Button>
            )}
          </Group>
          {cancel.error && (
            <Text size="sm" c="red.8" role="alert">
              {errorMessage(cancel.error, m.errors.network)}
            </Text>
          )}
        </Stack>
        <Stack gap={0} align="center" style={{ flexShrink: 0 }} aria-label={m.post.clicks(share.clicks)} role="group">
          <Text fz={28} fw={700} lh={1} aria-hidden data-testid="share-clicks">
            {share.clicks}
          </Text>
          <Text size="xs" c="dimmed" aria-hidden>
            {share.clicks === 1 ? m.myShares.click : m.myShares.clicks}
          </Text>
        </Stack>
      </Group>
    </Paper>
  );
}
