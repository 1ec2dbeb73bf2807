import { Alert, Button, Group, Paper, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../app/client';
import { m } from '../app/messages';
import { graphql } from '../gql';
import { dateTime } from '../ui/format';
import { versionNumber, type ReviewPost } from './ReviewPage';

const addCommentMutation = graphql(`
  mutation AddReviewComment($postId: ID!, $body: String!) {
    addComment(postId: $postId, body: $body) {
      id
    }
  }
`);

type Entry = { id: string; who: string; what: string; text: string; version: number | null; at: string; kind?: string };

/** Decisions and comments in the order they were made, and a box to add a comment. */
export function Thread({ post, onRefresh }: { post: ReviewPost; onRefresh: () => void }) {
  const entries: Entry[] = [
    ...post.decisions.map((d) => ({
      id: d.id,
      who: d.reviewer.name,
      what: m.review.decisionKinds[d.kind] ?? d.kind,
      text: d.comment,
      version: versionNumber(post, d.versionId),
      at: d.createdAt,
      kind: d.kind,
    })),
    ...post.comments.map((c) => ({ id: c.id, who: c.author.name, what: m.review.commented, text: c.body, version: versionNumber(post, c.versionId), at: c.createdAt })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <Stack gap="sm">
      {entries.length === 0 ? (
        <Text size="sm" c="dimmed">
          {m.review.threadEmpty}
        </Text>
      ) : (
        <Stack gap="xs" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {entries.map((e) => (
            <Paper
              key={e.id}
              component="li"
              withBorder
              radius="sm"
              p="xs"
              style={{ borderLeft: `4px solid var(--mantine-color-${e.kind === 'APPROVE' ? 'green' : e.kind === 'REJECT' ? 'red' : e.kind ? 'orange' : 'gray'}-6)` }}
            >
              <Text size="sm">
                <Text span fw={600}>
                  {e.who}
                </Text>{' '}
                {e.what} {m.review.onVersion(e.version)}
              </Text>
              {e.text && (
                <Text size="sm" style={{ whiteSpace: 'pre-line', overflowWrap: 'anywhere' }}>
                  {e.text}
                </Text>
              )}
              <Text size="xs" c="dimmed">
                {dateTime(e.at)}
              </Text>
            </Paper>
          ))}
        </Stack>
      )}
      <CommentForm postId={post.id} onAdded={onRefresh} />
    </Stack>
  );
}

function CommentForm({ postId, onAdded }: { postId: string; onAdded: () => void }) {
  const [body, setBody] = useState('');
  const [{ fetching, error }, add] = useMutation(addCommentMutation);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!body.trim()) return;
        void add({ postId, body: body.trim() }).then((r) => {
          if (!r.error) {
            setBody('');
            onAdded();
          }
        });
      }}
    >
      <Stack gap="xs">
        <Textarea label={m.review.addComment} value={body} onChange={(e) => setBody(e.currentTarget.value)} autosize minRows={2} maxRows={8} />
        {error && (
          <Alert color="red" variant="light" role="alert">
            {errorMessage(error, m.errors.network)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" variant="default" loading={fetching} disabled={!body.trim()}>
            {m.review.send}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
