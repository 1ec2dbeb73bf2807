import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useMutation, type CombinedError } from 'urql';
import { errorMessage } from '../app/client';
import { m } from '../app/messages';
import { graphql } from '../gql';
import type { DecisionKind } from '../gql/graphql';
import { approveColor } from './colors';
import type { ReviewPost } from './ReviewPage';
import { isConflict, isStepUpRequired, savePendingDecision, stepUpURL } from './stepUp';

const approveMutation = graphql(`
  mutation ApprovePost($input: DecisionInput!) {
    approvePost(input: $input) {
      decision {
        id
      }
      post {
        id
        state
      }
    }
  }
`);

const requestChangesMutation = graphql(`
  mutation RequestChanges($input: DecisionInput!) {
    requestChanges(input: $input) {
      decision {
        id
      }
      post {
        id
        state
      }
    }
  }
`);

const rejectMutation = graphql(`
  mutation RejectPost($input: DecisionInput!) {
    rejectPost(input: $input) {
      decision {
        id
      }
      post {
        id
        state
      }
    }
  }
`);

/** A decision being made: its kind, the comment so far, and the version it names when resumed. */
export type Deciding = { kind: DecisionKind; comment: string; versionId?: string; resumed?: boolean };

/** Where the browser goes (a step-up sign-in); replaced in tests. */
export const browser = { assign: (url: string) => window.location.assign(url) };

/**
 * Confirms a decision on the version under review, with its comment (required to request changes
 * or reject). A stale version (CONFLICT) goes back to the page to show what changed; a refusal
 * that needs a fresh sign-in keeps the decision and sends the reviewer through it.
 */
export function DecisionDialog({
  post,
  deciding,
  returnPath,
  onClose,
  onDone,
  onConflict,
}: {
  post: ReviewPost;
  deciding: Deciding;
  returnPath: string;
  onClose: () => void;
  onDone: (kind: DecisionKind) => void;
  onConflict: (readVersion: number, message: string) => void;
}) {
  const { kind } = deciding;
  const [comment, setComment] = useState(deciding.comment);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<CombinedError | null>(null);
  const [steppingUp, setSteppingUp] = useState(false);
  const [approveState, approve] = useMutation(approveMutation);
  const [changesState, requestChanges] = useMutation(requestChangesMutation);
  const [rejectState, reject] = useMutation(rejectMutation);
  const fetching = approveState.fetching || changesState.fetching || rejectState.fetching || steppingUp;
  const versionId = deciding.versionId ?? post.review?.versionId ?? post.currentVersion.id;
  const readNumber = post.versions.find((v) => v.id === versionId)?.number ?? post.currentVersion.number;
  const needsComment = kind !== 'APPROVE';

  const submit = async () => {
    if (needsComment && !comment.trim()) {
      setMissing(true);
      return;
    }
    setError(null);
    const input = { postId: post.id, versionId, comment: comment.trim() || undefined };
    const run = kind === 'APPROVE' ? approve : kind === 'REQUEST_CHANGES' ? requestChanges : reject;
    const result = await run({ input }, { additionalTypenames: ['ReviewQueueConnection', 'Decision'] });
    if (!result.error) return onDone(kind);
    if (isStepUpRequired(result.error)) {
      setSteppingUp(true);
      savePendingDecision({ postId: post.id, versionId, kind, comment });
      browser.assign(stepUpURL(returnPath, kind));
      return;
    }
    if (isConflict(result.error)) return onConflict(readNumber, errorMessage(result.error, m.errors.network));
    setError(result.error);
  };

  return (
    <Modal opened onClose={onClose} title={m.review.confirmTitle[kind](readNumber)} centered size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack gap="sm">
          {deciding.resumed && (
            <Alert color="blue" variant="light" role="status">
              {m.review.resumed}
            </Alert>
          )}
          <Text size="sm">{m.review.confirmHelp[kind]}</Text>
          <Textarea
            label={needsComment ? m.review.commentNeeded : m.review.commentOptional}
            value={comment}
            onChange={(e) => {
              setComment(e.currentTarget.value);
              setMissing(false);
            }}
            autosize
            minRows={3}
            maxRows={10}
            withAsterisk={needsComment}
            aria-required={needsComment}
            error={missing ? m.review.commentRequired : undefined}
            data-autofocus
          />
          {steppingUp && (
            <Alert color="blue" variant="light" title={m.review.stepUpTitle} role="status">
              {m.review.stepUp}
            </Alert>
          )}
          {error && (
            <Alert color="red" variant="light" title={m.app.errorTitle} role="alert">
              {errorMessage(error, m.errors.network)}
            </Alert>
          )}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onClose} disabled={fetching}>
              {m.review.cancel}
            </Button>
            <Button type="submit" loading={fetching} color={kind === 'APPROVE' ? approveColor : kind === 'REJECT' ? 'red.8' : undefined}>
              {m.review.confirm[kind]}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
