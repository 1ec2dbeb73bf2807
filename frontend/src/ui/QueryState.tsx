import { Alert, Button, Center, Loader, Paper, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { CombinedError } from 'urql';
import { errorMessage } from '../app/client';
import { m } from '../app/messages';

/** An API error, in place, with the server's message and a way to try again. */
export function QueryError({ error, title = m.app.errorTitle, onRetry }: { error: CombinedError; title?: string; onRetry?: () => void }) {
  return (
    <Alert color="red" title={title} role="alert" variant="light">
      <Text size="sm">{errorMessage(error, m.errors.network)}</Text>
      {onRetry && (
        <Button size="xs" variant="white" color="red" mt="xs" onClick={onRetry}>
          {m.app.retry}
        </Button>
      )}
    </Alert>
  );
}

export function Loading({ label = m.app.loading }: { label?: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Loader size="sm" mr="sm" aria-hidden />
      <Text c="dimmed">{label}</Text>
    </Center>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Paper withBorder p="xl" radius="md" ta="center">
      <Text c="dimmed">{children}</Text>
    </Paper>
  );
}
