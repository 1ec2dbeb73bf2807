import { MantineProvider } from '@mantine/core';
import { render, screen, within } from '@testing-library/react';
import { getOperationName } from '@urql/core';
import type { DocumentNode } from 'graphql';
import { MemoryRouter } from 'react-router';
import { Provider, type Client, type Operation } from 'urql';
import { describe, expect, it } from 'vitest';
import { fromValue } from 'wonka';
import { Session } from '../app/session';
import LeaderboardPage from './LeaderboardPage';

const me = { __typename: 'User', id: 'u-me', email: 'eve@example.com', name: 'Eve', roles: ['EMPLOYEE'], groups: [], department: '', region: '' };

function entry(rank: number, id: string, name: string, points: number) {
  return { __typename: 'LeaderboardEntry', rank, shares: 1, clicks: points - 10, points, user: { __typename: 'User', id, name, department: 'Sales' } };
}

function show(leaderboard: ReturnType<typeof entry>[], mine: ReturnType<typeof entry> | null) {
  const client = {
    executeQuery(op: Operation) {
      const name = getOperationName(op.query as DocumentNode);
      const data = name === 'Me' ? { me } : { leaderboard, myLeaderboardEntry: mine };
      return fromValue({ operation: op, data, stale: false, hasNext: false });
    },
    executeMutation: () => fromValue({}),
    executeSubscription: () => fromValue({}),
  } as unknown as Client;
  render(
    <MantineProvider>
      <Provider value={client}>
        <MemoryRouter initialEntries={['/leaderboard']}>
          <Session>
            <LeaderboardPage />
          </Session>
        </MemoryRouter>
      </Provider>
    </MantineProvider>,
  );
}

const top = [entry(1, 'u1', 'Carol', 40), entry(2, 'u2', 'Alice', 30)];

describe('LeaderboardPage', () => {
  it('marks the caller’s row when they are in the top', async () => {
    show([...top, entry(3, 'u-me', 'Eve', 20)], entry(3, 'u-me', 'Eve', 20));
    const row = (await screen.findByText(/Eve/)).closest('tr')!;
    expect(row).toHaveAttribute('aria-current', 'true');
    expect(screen.getAllByText(/\(you\)/)).toHaveLength(1);
    expect(screen.queryByRole('rowgroup', { name: 'Your place' })).toBeNull();
  });

  it('shows the caller’s place below the top when they rank lower', async () => {
    show(top, entry(37, 'u-me', 'Eve', 11));
    const place = await screen.findByRole('rowgroup', { name: 'Your place' });
    const row = within(place).getByText(/Eve/).closest('tr')!;
    expect(row).toHaveAttribute('aria-current', 'true');
    expect(within(row).getByText('37')).toBeInTheDocument();
    expect(within(row).getByText('11')).toBeInTheDocument();
  });

  it('says how to get on the board when the caller has no points', async () => {
    show(top, null);
    expect(await screen.findByText(/not on the leaderboard yet/)).toBeInTheDocument();
    expect(screen.queryByText(/\(you\)/)).toBeNull();
  });
});
