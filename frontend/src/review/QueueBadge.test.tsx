import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import { Provider, type Client } from 'urql';
import { describe, expect, it } from 'vitest';
import { fromValue, never } from 'wonka';
import { QueueBadge } from './QueueBadge';

let asked = 0;

function show(totalCount: number, loaded: number) {
  const edges = Array.from({ length: loaded }, (_, i) => ({
    __typename: 'ReviewQueueEdge',
    node: { __typename: 'ReviewQueueItem', stageStartedAt: '2026-12-01T09:00:00Z', post: { __typename: 'Post', id: `p${i}` } },
  }));
  const client = {
    executeQuery: (op: unknown) => (asked++, fromValue({ operation: op, data: { reviewQueue: { __typename: 'ReviewQueueConnection', totalCount, edges } }, stale: false, hasNext: false })),
    executeSubscription: () => never,
  } as unknown as Client;
  render(
    <MantineProvider>
      <Provider value={client}>
        <QueueBadge />
      </Provider>
    </MantineProvider>,
  );
}

describe('QueueBadge', () => {
  it('counts every post awaiting the reviewer, not only the 100 loaded', async () => {
    show(240, 100);
    expect(await screen.findByTestId('queue-count')).toHaveTextContent('99+');
    expect(screen.getByText('240 posts wait for your review')).toBeInTheDocument();
  });

  it('shows the exact count up to 99', async () => {
    show(7, 7);
    expect(await screen.findByTestId('queue-count')).toHaveTextContent('7');
    expect(screen.getByText('7 posts wait for your review')).toBeInTheDocument();
  });

  it('shows nothing for an empty queue', () => {
    asked = 0;
    show(0, 0);
    expect(asked).toBeGreaterThan(0); // answered (synchronously), not still loading
    expect(screen.queryByTestId('queue-count')).toBeNull();
  });
});
