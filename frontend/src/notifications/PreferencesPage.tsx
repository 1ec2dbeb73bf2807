import { Alert, Button, Checkbox, Fieldset, Group, Stack, Switch, Text } from '@mantine/core';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { m } from '../app/messages';
import { hasRole, useMe } from '../app/session';
import { graphql } from '../gql';
import type { NotificationChannel, NotificationKind, NotificationPreferencesQuery } from '../gql/graphql';
import { Page } from '../ui/Page';
import { Loading, QueryError } from '../ui/QueryState';

const preferencesQuery = graphql(`
  query NotificationPreferences {
    notificationPreferences {
      channels
      kinds {
        kind
        channels
      }
    }
  }
`);

const setPreferencesMutation = graphql(`
  mutation SetNotificationPreferences($input: NotificationPreferencesInput!) {
    setNotificationPreferences(input: $input) {
      channels
      kinds {
        kind
        channels
      }
    }
  }
`);

const channels: NotificationChannel[] = ['IN_APP', 'EMAIL', 'SLACK'];
const kinds: NotificationKind[] = ['REVIEW_REQUESTED', 'REVIEW_REMINDER', 'REVIEW_ESCALATED', 'POST_DECIDED', 'POST_APPROVED', 'PUBLISH_FAILED'];
// Admins' kinds, shown to admins only.
const adminKinds: NotificationKind[] = ['ROUTING_RULE_FAILING'];

export default function PreferencesPage() {
  const [{ data, error }, refetch] = useQuery({ query: preferencesQuery, requestPolicy: 'network-only' });
  return (
    <Page title={m.notifications.prefsTitle} intro={m.notifications.prefsIntro}>
      {error ? (
        <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !data ? (
        <Loading />
      ) : (
        <PreferencesForm initial={data.notificationPreferences} />
      )}
    </Page>
  );
}

type Prefs = NotificationPreferencesQuery['notificationPreferences'];

function ChannelBoxes({ value, onChange, label }: { value: NotificationChannel[]; onChange: (v: NotificationChannel[]) => void; label: string }) {
  return (
    <Checkbox.Group value={value} onChange={(v) => onChange(v as NotificationChannel[])} label={label}>
      <Group gap="lg" mt={6}>
        {channels.map((c) => (
          <Checkbox key={c} value={c} label={m.notifications.channels[c]} />
        ))}
      </Group>
    </Checkbox.Group>
  );
}

function PreferencesForm({ initial }: { initial: Prefs }) {
  const isAdmin = hasRole(useMe(), 'ADMIN');
  const [defaults, setDefaults] = useState<NotificationChannel[]>(initial.channels);
  const [overrides, setOverrides] = useState<Partial<Record<NotificationKind, NotificationChannel[]>>>(
    Object.fromEntries(initial.kinds.map((k) => [k.kind, k.channels])),
  );
  const [result, save] = useMutation(setPreferencesMutation);
  const [saved, setSaved] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const r = await save({
      input: {
        channels: defaults,
        kinds: Object.entries(overrides).map(([kind, chs]) => ({ kind: kind as NotificationKind, channels: chs! })),
      },
    });
    if (!r.error) setSaved(true);
  };
  return (
    <form onSubmit={submit}>
      <Stack gap="lg">
        <Fieldset legend={m.notifications.defaults}>
          <ChannelBoxes label={m.notifications.defaults} value={defaults} onChange={setDefaults} />
        </Fieldset>
        <Fieldset legend={m.notifications.perKind}>
          <Stack gap="md">
            {(isAdmin ? [...kinds, ...adminKinds] : kinds).map((kind) => {
              const own = overrides[kind];
              return (
                <Stack key={kind} gap={4}>
                  <Group justify="space-between" wrap="wrap" gap="xs">
                    <Text fw={600} size="sm" id={`kind-${kind}`}>
                      {m.notifications.kinds[kind]}
                    </Text>
                    <Switch
                      size="sm"
                      label={m.notifications.useDefaults}
                      aria-describedby={`kind-${kind}`}
                      checked={!own}
                      onChange={(e) => {
                        const useDefaults = e.currentTarget.checked;
                        setOverrides((o) => {
                          const next = { ...o };
                          if (useDefaults) delete next[kind];
                          else next[kind] = [...defaults];
                          return next;
                        });
                      }}
                    />
                  </Group>
                  {own && (
                    <ChannelBoxes
                      label={m.notifications.kinds[kind]}
                      value={own}
                      onChange={(v) => setOverrides((o) => ({ ...o, [kind]: v }))}
                    />
                  )}
                </Stack>
              );
            })}
          </Stack>
        </Fieldset>
        {result.error && <QueryError error={result.error} />}
        {saved && (
          <Alert color="green" role="status">
            {m.notifications.saved}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={result.fetching}>
            {m.notifications.save}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
