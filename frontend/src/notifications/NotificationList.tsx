import { Box, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { m } from '../app/messages';
import type { NotificationItemFragment } from '../gql/graphql';
import { relativeTime } from '../ui/format';
import { markReadMutation } from './documents';

/** Notifications, newest first; opening one marks it read and goes to its page. */
export function NotificationList({ items, onOpen }: { items: NotificationItemFragment[]; onOpen?: () => void }) {
  const navigate = useNavigate();
  const [, markRead] = useMutation(markReadMutation);
  if (items.length === 0)
    return (
      <Text c="dimmed" size="sm" p="sm">
        {m.notifications.empty}
      </Text>
    );
  return (
    <Stack gap={0} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {items.map((n) => (
        <li key={n.id}>
          <UnstyledButton
            w="100%"
            p="sm"
            style={{ borderRadius: 6 }}
            className="notification-item"
            onClick={() => {
              if (!n.readAt) void markRead({ ids: [n.id] }, { additionalTypenames: ['Notification'] });
              onOpen?.();
              if (n.link.startsWith('/')) navigate(n.link);
            }}
          >
            <Group gap="xs" wrap="nowrap" align="flex-start">
              <Box
                w={8}
                h={8}
                mt={7}
                style={{ borderRadius: 4, flexShrink: 0, background: n.readAt ? 'transparent' : 'var(--mantine-primary-color-filled)' }}
                aria-hidden
              />
              <div style={{ minWidth: 0 }}>
                <Text size="sm" fw={n.readAt ? 400 : 700}>
                  {!n.readAt && <span className="visually-hidden">{m.notifications.unread}: </span>}
                  {n.title}
                </Text>
                {n.body && (
                  <Text size="sm" c="dimmed" lineClamp={2}>
                    {n.body}
                  </Text>
                )}
                <Text size="xs" c="dimmed">
                  {relativeTime(n.createdAt)}
                </Text>
              </div>
            </Group>
          </UnstyledButton>
        </li>
      ))}
    </Stack>
  );
}
