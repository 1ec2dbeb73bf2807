import { Table, Text } from '@mantine/core';
import { useQuery } from 'urql';
import { m } from '../app/messages';
import { useMe } from '../app/session';
import { graphql } from '../gql';
import type { LeaderboardRowFragment } from '../gql/graphql';
import { Page } from '../ui/Page';
import { Empty, Loading, QueryError } from '../ui/QueryState';

const leaderboardQuery = graphql(`
  query Leaderboard {
    leaderboard(first: 20) {
      ...LeaderboardRow
    }
    myLeaderboardEntry {
      ...LeaderboardRow
    }
  }
`);

graphql(`
  fragment LeaderboardRow on LeaderboardEntry {
    rank
    shares
    clicks
    points
    user {
      id
      name
      department
    }
  }
`);

/**
 * The top 20 of the last 30 days. The caller's own row is highlighted there, or shown below the
 * table when they rank lower; without points, a line says how to get on the board.
 */
export default function LeaderboardPage() {
  const me = useMe();
  const [{ data, error }, refetch] = useQuery({ query: leaderboardQuery, requestPolicy: 'cache-and-network' });
  const mine = data?.myLeaderboardEntry;
  const below = mine && !data.leaderboard.some((e) => e.user.id === mine.user.id) ? mine : null;
  return (
    <Page title={m.leaderboard.title} intro={m.leaderboard.intro}>
      {error && !data ? (
        <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !data ? (
        <Loading />
      ) : data.leaderboard.length === 0 ? (
        <Empty>{m.leaderboard.empty}</Empty>
      ) : (
        <>
          <Table striped highlightOnHover withTableBorder verticalSpacing="sm" horizontalSpacing="xs" fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col" w={48}>
                  {m.leaderboard.rank}
                </Table.Th>
                <Table.Th scope="col">{m.leaderboard.person}</Table.Th>
                <Table.Th scope="col" ta="right" visibleFrom="sm">
                  {m.leaderboard.shares}
                </Table.Th>
                <Table.Th scope="col" ta="right" visibleFrom="sm">
                  {m.leaderboard.clicks}
                </Table.Th>
                <Table.Th scope="col" ta="right">
                  {m.leaderboard.points}
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.leaderboard.map((e) => (
                <Row key={e.user.id} entry={e} mine={e.user.id === me.id} />
              ))}
            </Table.Tbody>
            {below && (
              <Table.Tbody aria-label={m.leaderboard.yourPlace}>
                <Table.Tr aria-hidden>
                  <Table.Td colSpan={5} ta="center" c="dimmed" py={2}>
                    ⋯
                  </Table.Td>
                </Table.Tr>
                <Row entry={below} mine />
              </Table.Tbody>
            )}
          </Table>
          {!mine && !error && <Text c="dimmed">{m.leaderboard.notYet}</Text>}
          {error && <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />}
        </>
      )}
    </Page>
  );
}

function Row({ entry: e, mine }: { entry: LeaderboardRowFragment; mine: boolean }) {
  return (
    <Table.Tr bg={mine ? 'blue.0' : undefined} aria-current={mine ? 'true' : undefined}>
      <Table.Td fw={700}>{e.rank}</Table.Td>
      <Table.Td>
        <Text size="sm" fw={mine ? 700 : 500}>
          {e.user.name} {mine && m.leaderboard.you}
        </Text>
        {e.user.department && (
          <Text size="xs" c="dimmed">
            {e.user.department}
          </Text>
        )}
        <Text size="xs" c="dimmed" hiddenFrom="sm">
          {m.post.shares(e.shares)} · {m.post.clicks(e.clicks)}
        </Text>
      </Table.Td>
      <Table.Td ta="right" visibleFrom="sm">
        {e.shares}
      </Table.Td>
      <Table.Td ta="right" visibleFrom="sm">
        {e.clicks}
      </Table.Td>
      <Table.Td ta="right" fw={700}>
        {e.points}
      </Table.Td>
    </Table.Tr>
  );
}
