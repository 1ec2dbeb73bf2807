import { ActionIcon, Anchor, Button, Divider, Group, Indicator, Popover, ScrollArea, Text } from '@mantine/core';
import { IconBell } from '../ui/icons';
import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useSubscription } from 'urql';
import { m } from '../app/messages';
import { markAllReadMutation, notificationAddedSubscription, notificationsQuery, unreadCountQuery } from './documents';
import { NotificationList } from './NotificationList';

/** The bell in the header: the unread count, live over the notificationAdded subscription. */
export function NotificationBell() {
  const [opened, setOpened] = useState(false);
  const [{ data: count }, refetchCount] = useQuery({ query: unreadCountQuery });
  const [{ data: list, error }, refetchList] = useQuery({ query: notificationsQuery, variables: { first: 8, after: null }, pause: !opened });
  const [, markAll] = useMutation(markAllReadMutation);
  const [announcement, setAnnouncement] = useState('');
  useSubscription({ query: notificationAddedSubscription }, (_prev, event) => {
    setAnnouncement(m.notifications.live(event.notificationAdded.title));
    refetchCount({ requestPolicy: 'network-only' });
    if (opened) refetchList({ requestPolicy: 'network-only' });
    return event;
  });
  const unread = count?.unreadNotificationCount ?? 0;
  const items = list?.notifications.edges.map((e) => e.node) ?? [];
  const refresh = () => {
    refetchCount({ requestPolicy: 'network-only' });
    refetchList({ requestPolicy: 'network-only' });
  };
  return (
    <>
      <Popover opened={opened} onChange={setOpened} position="bottom-end" width={340} shadow="md" trapFocus returnFocus>
        <Popover.Target>
          <ActionIcon variant="subtle" color="gray.8" size="lg" aria-label={m.notifications.bell(unread)} onClick={() => setOpened((o) => !o)}>
            <Indicator label={unread > 99 ? '99+' : unread} size={18} disabled={unread === 0} offset={2} color="red.8" aria-hidden>
              <IconBell size={22} />
            </Indicator>
          </ActionIcon>
        </Popover.Target>
        <Popover.Dropdown p={0} aria-label={m.notifications.title} role="dialog">
          <Group justify="space-between" p="sm" pb="xs">
            <Text fw={700}>{m.notifications.title}</Text>
            {unread > 0 && (
              <Button size="compact-xs" variant="subtle" onClick={() => void markAll({}, { additionalTypenames: ['Notification'] }).then(refresh)}>
                {m.notifications.markAllRead}
              </Button>
            )}
          </Group>
          <Divider />
          <ScrollArea.Autosize mah={360} p={4}>
            {error ? (
              <Text c="red.8" size="sm" p="sm" role="alert">
                {error.message}
              </Text>
            ) : !list ? (
              <Text c="dimmed" size="sm" p="sm">
                {m.app.loading}
              </Text>
            ) : (
              <NotificationList items={items} onOpen={() => setOpened(false)} />
            )}
          </ScrollArea.Autosize>
          <Divider />
          <Group justify="space-between" p="sm">
            <Anchor component={Link} to="/notifications" size="sm" onClick={() => setOpened(false)}>
              {m.nav.notifications}
            </Anchor>
            <Anchor component={Link} to="/notifications/settings" size="sm" onClick={() => setOpened(false)}>
              {m.notifications.settings}
            </Anchor>
          </Group>
        </Popover.Dropdown>
      </Popover>
      <div className="visually-hidden" aria-live="polite">
        {announcement}
      </div>
    </>
  );
}
