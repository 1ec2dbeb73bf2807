import { Button, Paper } from '@mantine/core';
import { useMutation, useQuery } from 'urql';
import { m } from '../app/messages';
import { Page } from '../ui/Page';
import { Loading, QueryError } from '../ui/QueryState';
import { markAllReadMutation, notificationsQuery } from './documents';
import { NotificationList } from './NotificationList';

export default function NotificationsPage() {
  const [{ data, error }, refetch] = useQuery({ query: notificationsQuery, variables: { first: 50, after: null }, requestPolicy: 'cache-and-network' });
  const [markAll, doMarkAll] = useMutation(markAllReadMutation);
  const items = data?.notifications.edges.map((e) => e.node) ?? [];
  return (
    <Page
      title={m.notifications.title}
      actions={
        items.some((n) => !n.readAt) && (
          <Button variant="default" loading={markAll.fetching} onClick={() => void doMarkAll({}, { additionalTypenames: ['Notification'] })}>
            {m.notifications.markAllRead}
          </Button>
        )
      }
    >
      {error ? (
        <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !data ? (
        <Loading />
      ) : (
        <Paper withBorder p={4}>
          <NotificationList items={items} />
        </Paper>
      )}
      {markAll.error && <QueryError error={markAll.error} />}
    </Page>
  );
}
