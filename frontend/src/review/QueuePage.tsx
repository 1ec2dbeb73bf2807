import { Anchor, Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery, useSubscription } from 'urql';
import { m } from '../app/messages';
import { graphql } from '../gql';
import type { ReviewQueueQuery } from '../gql/graphql';
import { notificationAddedSubscription } from '../notifications/documents';
import { dateTime, relativeTime } from '../ui/format';
import { Page } from '../ui/Page';
import { Empty, Loading, QueryError } from '../ui/QueryState';
import { urgentColor } from './colors';
import { countdown, deadlineOf, useNow } from './countdown';
import { queueKinds } from './queue';

const queueQuery = graphql(`
  query ReviewQueue($first: Int!) {
    reviewQueue(first: $first) {
      totalCount
      edges {
        cursor
        node {
          stage
          stageStartedAt
          groups
          post {
            id
            title
            author {
              id
              name
            }
            currentVersion {
              id
              number
              content {
                title
                channels
              }
            }
            review {
              id
              stages {
                number
                name
                slaSeconds
              }
            }
          }
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`);

type Item = ReviewQueueQuery['reviewQueue']['edges'][number]['node'];

/** Posts awaiting the reviewer's groups, longest waiting first, each with its stage's live deadline. */
export default function QueuePage() {
  const [first, setFirst] = useState(50);
  const [{ data, error, fetching }, refetch] = useQuery({ query: queueQuery, variables: { first } });
  useSubscription({ query: notificationAddedSubscription }, (_prev, event) => {
    if (queueKinds.includes(event.notificationAdded.kind)) refetch({ requestPolicy: 'network-only' });
    return event;
  });
  const items = [...(data?.reviewQueue.edges ?? [])].map((e) => e.node).sort((a, b) => a.stageStartedAt.localeCompare(b.stageStartedAt));
  return (
    <Page title={m.review.queueTitle} intro={m.review.queueIntro}>
      {error && !data ? (
        <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !data ? (
        <Loading />
      ) : items.length === 0 ? (
        <Empty>{m.review.queueEmpty}</Empty>
      ) : (
        <>
          <Text fw={600} aria-live="polite">
            {m.review.queueCount(data.reviewQueue.totalCount, items.length)}
          </Text>
          <Stack gap="sm" component="ol" aria-label={m.review.queueList} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {items.map((item) => (
              <QueueItem key={item.post.id} item={item} />
            ))}
          </Stack>
        </>
      )}
      {error && data && <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />}
      {data?.reviewQueue.pageInfo.hasNextPage && first < 100 && (
        <Button variant="default" loading={fetching} onClick={() => setFirst((n) => Math.min(n + 50, 100))}>
          {m.review.loadMore}
        </Button>
      )}
    </Page>
  );
}

function QueueItem({ item }: { item: Item }) {
  const now = useNow(1000);
  const stage = item.post.review?.stages.find((s) => s.number === item.stage);
  const deadline = deadlineOf(item.stageStartedAt, stage?.slaSeconds ?? 0);
  const due = countdown(deadline, now);
  const title = item.post.currentVersion.content.title || item.post.title;
  return (
    <Paper component="li" withBorder radius="md" p="sm" style={{ borderLeft: `4px solid var(--mantine-color-${due.overdue ? 'red-7' : due.urgent ? 'orange-6' : 'blue-6'})` }}>
      <Group justify="space-between" align="flex-start" gap="xs" wrap="wrap">
        <Stack gap={2} style={{ minWidth: 0, flex: '1 1 220px' }}>
          <Anchor component={Link} to={`/posts/${item.post.id}`} fw={700} size="md" style={{ overflowWrap: 'anywhere' }}>
            {title}
          </Anchor>
          <Text size="sm">
            {stage ? m.review.stage(item.stage, stage.name) : m.review.stage(item.stage, '')} · {m.review.forGroups(item.groups)}
          </Text>
          <Text size="xs" c="dimmed">
            {m.review.by(item.post.author.name)} · {m.review.waiting(relativeTime(item.stageStartedAt, now))}
          </Text>
          <Group gap={4}>
            {item.post.currentVersion.content.channels.map((c) => (
              <Badge key={c} size="xs" variant="light" color="gray">
                {m.share.networks[c.toUpperCase()] ?? c}
              </Badge>
            ))}
          </Group>
        </Stack>
        <Stack gap={0}>
          <Text size="sm" fw={700} c={due.overdue ? 'red.8' : due.urgent ? urgentColor : undefined} role="timer" aria-live="off">
            {due.text}
          </Text>
          {deadline && (
            <Text size="xs" c="dimmed">
              {m.review.deadlineAt(dateTime(deadline.toISOString()))}
            </Text>
          )}
        </Stack>
      </Group>
    </Paper>
  );
}
