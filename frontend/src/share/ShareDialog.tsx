import {
  Alert,
  Button,
  Checkbox,
  CopyButton,
  Group,
  Modal,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconLock } from '../ui/icons';
import { useId, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage } from '../app/client';
import { m } from '../app/messages';
import { graphql } from '../gql';
import type { PostCardFragment, ShareNetwork } from '../gql/graphql';
import { dateTime } from '../ui/format';
import { shareBudget } from './textLength';

const shareContextQuery = graphql(`
  query ShareContext {
    shareEditsNeedApproval
    connectedAccounts {
      network
      connected
    }
  }
`);

const sharePostMutation = graphql(`
  mutation SharePost($postId: ID!, $network: ShareNetwork!, $text: String, $scheduleAt: Time) {
    sharePost(postId: $postId, network: $network, text: $text, scheduleAt: $scheduleAt) {
      id
      network
      text
      edited
      status
      statusReason
      trackedUrl
      intentUrl
      scheduleAt
      clicks
      createdAt
      post {
        id
        shareCount
      }
    }
  }
`);

const networks: ShareNetwork[] = ['LINKEDIN', 'X', 'FACEBOOK', 'EMAIL'];
const needsLink: ShareNetwork[] = ['LINKEDIN', 'FACEBOOK'];

/** The board's suggestion for a network ("linkedin", "x", ...), if any. */
function suggestionFor(suggested: { network: string; text: string }[], network: ShareNetwork) {
  return suggested.find((s) => s.network.toUpperCase() === network)?.text;
}

/**
 * Shares a post: the employee picks a network, keeps or edits the suggested text (where the post
 * allows), and gets a tracked link to copy or the network's own share dialog; with a connected
 * account, the share can be scheduled instead.
 */
export default function ShareDialog({
  post,
  suggestedText,
  opened,
  onClose,
}: {
  post: PostCardFragment;
  suggestedText: { network: string; text: string }[];
  opened: boolean;
  onClose: () => void;
}) {
  const phone = useMediaQuery('(max-width: 40em)');
  const content = post.currentVersion.content;
  const title = content.title || post.title;
  const hasLink = content.link.trim() !== '';
  const [network, setNetwork] = useState<ShareNetwork>(hasLink ? 'LINKEDIN' : 'X');
  const suggested = content.shareText;
  const [text, setText] = useState(suggested);
  const [schedule, setSchedule] = useState(false);
  const [when, setWhen] = useState('');
  const [{ data: ctx }] = useQuery({ query: shareContextQuery });
  const [result, share] = useMutation(sharePostMutation);
  const textId = useId();

  const editable = content.shareTextEditable;
  const outgoing = editable ? text : suggested;
  const edited = editable && text.trim() !== '' && text.trim() !== suggested.trim();
  const budget = shareBudget(network, outgoing, hasLink);
  const networkName = m.share.networks[network];
  const connected = ctx?.connectedAccounts.some((a) => a.network === network && a.connected) ?? false;
  const unavailable = !hasLink && needsLink.includes(network);
  const shared = result.data?.sharePost;
  const boardSuggestion = editable ? suggestionFor(suggestedText, network) : undefined;

  const submit = () => {
    void share({
      postId: post.id,
      network,
      text: edited ? text.trim() : null,
      scheduleAt: schedule && connected && when ? new Date(when).toISOString() : null,
    });
  };

  return (
    <Modal opened={opened} onClose={onClose} title={m.post.shareTitle(title)} size="lg" fullScreen={phone} closeButtonProps={{ 'aria-label': m.share.close }}>
      {shared ? (
        <ShareResult share={shared} onClose={onClose} />
      ) : (
        <Stack gap="md">
          <div>
            <Text component="label" size="sm" fw={500} id={`${textId}-network`} display="block" mb={4}>
              {m.share.network}
            </Text>
            <SegmentedControl
              fullWidth
              aria-labelledby={`${textId}-network`}
              value={network}
              onChange={(v) => setNetwork(v as ShareNetwork)}
              data={networks.map((n) => ({ value: n, label: m.share.networks[n], disabled: !hasLink && needsLink.includes(n) }))}
            />
            {!hasLink && (
              <Text size="xs" c="dimmed" mt={4}>
                {m.share.noLink}
              </Text>
            )}
          </div>

          {editable ? (
            <Textarea
              id={textId}
              label={m.share.text}
              description={m.share.editableHelp}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              autosize
              minRows={4}
              maxRows={12}
              error={budget.over > 0 ? m.share.tooLong(networkName, budget.over) : undefined}
            />
          ) : (
            <div>
              <Text size="sm" fw={500} id={textId}>
                {m.share.text}
              </Text>
              <Paper withBorder p="sm" mt={4} bg="gray.0" aria-labelledby={textId} role="group">
                <Text size="sm" style={{ whiteSpace: 'pre-line' }}>
                  {suggested || m.post.noShareText}
                </Text>
              </Paper>
              <Group gap={6} mt={6} wrap="nowrap">
                <IconLock size={14} aria-hidden />
                <Text size="sm" c="dimmed">
                  {m.share.lockedHelp}
                </Text>
              </Group>
            </div>
          )}

          <Group justify="space-between" gap="xs" wrap="wrap">
            <Group gap="xs">
              {boardSuggestion && boardSuggestion !== text && (
                <Button variant="subtle" size="compact-sm" onClick={() => setText(boardSuggestion)}>
                  {m.share.suggestion(networkName)}
                </Button>
              )}
              {editable && text !== suggested && (
                <Button variant="subtle" size="compact-sm" onClick={() => setText(suggested)}>
                  {m.share.reset}
                </Button>
              )}
            </Group>
            <Text size="sm" c={budget.over > 0 ? 'red.8' : 'dimmed'} aria-label={m.share.counterLabel(budget.used, budget.limit, networkName)} aria-live="polite">
              {m.share.counter(budget.used, budget.limit)}
            </Text>
          </Group>
          {network === 'X' && (
            <Text size="xs" c="dimmed" mt={-8}>
              {m.share.xCounting}
            </Text>
          )}

          {edited && ctx?.shareEditsNeedApproval && (
            <Alert color="yellow" variant="light">
              {m.share.needsApproval}
            </Alert>
          )}

          {connected && network !== 'EMAIL' && (
            <Stack gap="xs">
              <Checkbox label={m.share.scheduleInstead} checked={schedule} onChange={(e) => setSchedule(e.currentTarget.checked)} />
              {schedule && (
                <TextInput
                  type="datetime-local"
                  label={m.share.when}
                  description={m.share.whenHelp(networkName)}
                  value={when}
                  onChange={(e) => setWhen(e.currentTarget.value)}
                  required
                />
              )}
            </Stack>
          )}

          {result.error && (
            <Alert color="red" role="alert" title={m.app.errorTitle}>
              {errorMessage(result.error, m.errors.network)}
            </Alert>
          )}

          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {m.share.close}
            </Button>
            <Button onClick={submit} loading={result.fetching} disabled={budget.over > 0 || unavailable || (schedule && !when)}>
              {schedule && connected ? m.share.createSchedule : m.share.create}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

type Shared = {
  status: string;
  network: ShareNetwork;
  trackedUrl: string;
  intentUrl: string | null;
  scheduleAt: string | null;
};

function ShareResult({ share, onClose }: { share: Shared; onClose: () => void }) {
  const networkName = m.share.networks[share.network];
  return (
    <Stack gap="md">
      {share.status === 'PENDING_APPROVAL' ? (
        <Alert color="yellow" role="status">
          {m.share.pending}
        </Alert>
      ) : share.status === 'SCHEDULED' ? (
        <Alert color="blue" role="status">
          {m.share.scheduled(share.scheduleAt ? dateTime(share.scheduleAt) : '')}
        </Alert>
      ) : (
        <Alert color="green" role="status">
          {m.share.shared}
        </Alert>
      )}
      {share.trackedUrl && (
        <Group align="flex-end" gap="xs" wrap="nowrap">
          <TextInput label={m.share.trackedLink} value={share.trackedUrl} readOnly style={{ flex: 1 }} onFocus={(e) => e.currentTarget.select()} />
          <CopyButton value={share.trackedUrl}>
            {({ copied, copy }) => (
              <Button variant={copied ? 'light' : 'default'} onClick={copy}>
                {copied ? m.share.copied : m.share.copy}
              </Button>
            )}
          </CopyButton>
        </Group>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {m.share.done}
        </Button>
        {share.intentUrl && (
          <Button component="a" href={share.intentUrl} target="_blank" rel="noopener noreferrer">
            {share.network === 'EMAIL' ? m.share.openMail : m.share.openDialog(networkName)}
          </Button>
        )}
      </Group>
    </Stack>
  );
}
