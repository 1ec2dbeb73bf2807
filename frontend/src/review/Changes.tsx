import { Stack, Text, Title } from '@mantine/core';
import { useQuery } from 'urql';
import { m } from '../app/messages';
import { graphql } from '../gql';
import { Loading, QueryError } from '../ui/QueryState';
import { DiffView } from './DiffView';

const diffQuery = graphql(`
  query ReviewDiff($id: ID!, $from: Int!, $to: Int!) {
    post(id: $id) {
      id
      diff(from: $from, to: $to) {
        bodyDiff
        changes {
          field
        }
      }
    }
  }
`);

/** What changed in a post between two versions: the body's diff and the other fields' names. */
export function Changes({ post, from, to, label }: { post: { id: string }; from: number; to: number; label: string }) {
  const [{ data, error }, refetch] = useQuery({ query: diffQuery, variables: { id: post.id, from, to } });
  const diff = data?.post.diff;
  const others = diff?.changes.map((c) => c.field).filter((f) => f !== 'body') ?? [];
  return (
    <Stack gap={6}>
      <Title order={3} fz="md">
        {label}
      </Title>
      {error ? (
        <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !diff ? (
        <Loading />
      ) : (
        <>
          <DiffView diff={diff.bodyDiff} label={label} />
          {others.length > 0 && <Text size="sm">{m.review.otherChanges(others.join(', '))}</Text>}
        </>
      )}
    </Stack>
  );
}
