import { Alert, Anchor, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { m } from '../app/messages';
import { advocates } from '../app/nav';
import { hasRole, useMe } from '../app/session';
import { graphql } from '../gql';
import type { DecisionKind, ReviewPostQuery } from '../gql/graphql';
import { dateTime, relativeTime } from '../ui/format';
import { Page } from '../ui/Page';
import { Empty, Loading, QueryError } from '../ui/QueryState';
import { ChannelPreviews } from './ChannelPreviews';
import { approveColor, urgentColor } from './colors';
import { countdown, deadlineOf, useNow } from './countdown';
import { DecisionDialog, type Deciding } from './DecisionDialog';
import { Changes } from './Changes';
import { MediaList } from './MediaList';
import { queueIdsQuery } from './queue';
import { RoutingPlan } from './RoutingPlan';
import { Schedule } from './Schedule';
import { ShortcutSheet } from './ShortcutSheet';
import { freshSignInURL, takePendingDecision } from './stepUp';
import { Thread } from './Thread';
import { useReviewHotkeys } from './useReviewHotkeys';

const reviewPostQuery = graphql(`
  query ReviewPost($id: ID!) {
    decisionSignInValidUntil
    post(id: $id) {
      id
      title
      state
      author {
        id
        name
      }
      currentVersion {
        id
        number
        contentHash
        createdAt
        author {
          id
          name
        }
        content {
          title
          body
          link
          media {
            url
            altText
            kind
          }
          channelOverrides {
            channel
            body
          }
          tags
          channels
        }
      }
      versions {
        id
        number
        createdAt
      }
      review {
        id
        status
        versionId
        contentHash
        currentStage
        stageStartedAt
        stages {
          number
          name
          slaSeconds
          cleared
          groups {
            group
            required
            approvals
            clearedAt
          }
        }
        plan {
          workflowName
          rules {
            ruleId
            name
            note
            error
            action {
              kind
              group
              stageName
            }
          }
          labels {
            name
            evidence
            start
            end
          }
        }
      }
      decisions {
        id
        kind
        comment
        stage
        versionId
        createdAt
        reviewer {
          id
          name
          email
        }
      }
      comments {
        id
        body
        versionId
        createdAt
        author {
          id
          name
        }
      }
      publicationPlan {
        publishAt
        timeZone
        manualRelease
        channels {
          id
          name
          platform
        }
      }
    }
  }
`);

export type ReviewPost = ReviewPostQuery['post'];

/** The version number of a version id of post, or null. */
export function versionNumber(post: Pick<ReviewPost, 'versions'>, id: string | undefined): number | null {
  return post.versions.find((v) => v.id === id)?.number ?? null;
}

/** The version number of the reviewer's latest decision on post, or null. */
export function lastDecidedVersion(post: Pick<ReviewPost, 'versions' | 'decisions'>, email: string): number | null {
  const mine = post.decisions.filter((d) => d.reviewer.email === email).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return mine.length ? versionNumber(post, mine[mine.length - 1].versionId) : null;
}

/** A reviewer's post page: the post in context, what changed, why it came, and the decision. */
export default function ReviewPage() {
  const { id = '' } = useParams();
  const me = useMe();
  const navigate = useNavigate();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const [{ data, error, fetching }, refetch] = useQuery({ query: reviewPostQuery, variables: { id } });
  const [{ data: queue }] = useQuery({ query: queueIdsQuery });
  const [deciding, setDeciding] = useState<Deciding | null>(null);
  const [done, setDone] = useState<DecisionKind | null>(null);
  const [conflict, setConflict] = useState<{ read: number; message: string } | null>(null);
  const [help, setHelp] = useState(false);
  const post = data?.post;
  const reload = () => refetch({ requestPolicy: 'network-only' });

  // Back from a step-up sign-in: re-open the decision that needed it, with its comment.
  const resumed = useRef(false);
  useEffect(() => {
    if (resumed.current || !post) return;
    resumed.current = true;
    const pending = takePendingDecision(id, params.get('decide'));
    if (!pending) return;
    const next = new URLSearchParams(params);
    next.delete('decide');
    setParams(next, { replace: true });
    setDeciding({ kind: pending.kind, comment: pending.comment, versionId: pending.versionId || undefined, resumed: true });
  }, [post, id, params, setParams]);

  // A new post: start clean.
  useEffect(() => {
    setDone(null);
    setConflict(null);
  }, [id]);

  const ids = useMemo(
    () => [...(queue?.reviewQueue.edges ?? [])].sort((a, b) => a.node.stageStartedAt.localeCompare(b.node.stageStartedAt)).map((e) => e.node.post.id),
    [queue],
  );
  const at = ids.indexOf(id);
  const nextId = at >= 0 ? ids[at + 1] : ids[0];
  const previousId = at > 0 ? ids[at - 1] : undefined;

  const review = post?.review;
  const stage = review ? review.stages[review.currentStage - 1] : undefined;
  const awaitingMe =
    !!post &&
    post.state === 'IN_REVIEW' &&
    review?.status === 'IN_REVIEW' &&
    !!stage?.groups.some((g) => !g.clearedAt && me.groups.includes(g.group));
  const open = (kind: DecisionKind) => {
    if (awaitingMe) setDeciding({ kind, comment: '' });
  };
  useReviewHotkeys(
    {
      next: () => nextId && navigate(`/posts/${nextId}`),
      previous: () => previousId && navigate(`/posts/${previousId}`),
      approve: () => open('APPROVE'),
      requestChanges: () => open('REQUEST_CHANGES'),
      help: () => setHelp(true),
    },
    !deciding && !help,
  );

  const notFound = error?.graphQLErrors.some((e) => e.extensions?.code === 'NOT_FOUND' || e.extensions?.code === 'BAD_USER_INPUT');
  const title = post ? post.currentVersion.content.title || post.title : m.review.pageTitle;
  const actions = (
    <Group gap="xs">
      <Button variant="default" size="xs" onClick={() => setHelp(true)} aria-keyshortcuts="Shift+?" visibleFrom="sm">
        {m.review.shortcuts}
      </Button>
    </Group>
  );

  return (
    <Page title={title} actions={actions}>
      <QueueNav at={at} total={ids.length} previousId={previousId} nextId={nextId} />
      {notFound ? (
        <Empty>{m.errors.notFound}</Empty>
      ) : error && !post ? (
        <QueryError error={error} onRetry={reload} />
      ) : !post ? (
        <Loading />
      ) : (
        <ReviewBody
          post={post}
          awaitingMe={awaitingMe}
          signInValidUntil={data?.decisionSignInValidUntil}
          stageName={stage?.name}
          done={done}
          conflict={conflict}
          nextId={nextId}
          onDecide={open}
          onRefresh={reload}
          refreshing={fetching}
        />
      )}
      {post && deciding && (
        <DecisionDialog
          post={post}
          deciding={deciding}
          onClose={() => setDeciding(null)}
          returnPath={location.pathname}
          onDone={(kind) => {
            setDeciding(null);
            setConflict(null);
            setDone(kind);
            reload();
          }}
          onConflict={(read, message) => {
            setDeciding(null);
            setDone(null);
            setConflict({ read, message });
            reload();
          }}
        />
      )}
      <ShortcutSheet opened={help} onClose={() => setHelp(false)} />
      {post && post.state === 'APPROVED' && hasRole(me, ...advocates) && (
        <Anchor component={Link} to={`/posts/${post.id}?view=share`} size="sm">
          {m.post.share}
        </Anchor>
      )}
    </Page>
  );
}

function QueueNav({ at, total, previousId, nextId }: { at: number; total: number; previousId?: string; nextId?: string }) {
  return (
    <Group justify="space-between" gap="xs" wrap="wrap">
      <Anchor component={Link} to="/queue" size="sm">
        ← {m.review.backToQueue}
      </Anchor>
      <Group gap="xs" wrap="wrap" role="group" aria-label={m.review.queueNav}>
        {at >= 0 && (
          <Text size="sm" c="dimmed">
            {m.review.position(at + 1, total)}
          </Text>
        )}
        <StepLink to={previousId} label={m.review.previous} shortcut="k" />
        <StepLink to={nextId} label={m.review.next} shortcut="j" />
      </Group>
    </Group>
  );
}

/** A link to a post of the queue, or a disabled button when there is none that way. */
function StepLink({ to, label, shortcut }: { to?: string; label: string; shortcut: string }) {
  if (!to)
    return (
      <Button size="compact-sm" variant="default" disabled>
        {label}
      </Button>
    );
  return (
    <Button component={Link} to={`/posts/${to}`} size="compact-sm" variant="default" aria-keyshortcuts={shortcut}>
      {label}
    </Button>
  );
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p={{ base: 'sm', sm: 'md' }} component="section" aria-label={title}>
      <Title order={2} fz="lg" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

function ReviewBody({
  post,
  awaitingMe,
  signInValidUntil,
  stageName,
  done,
  conflict,
  nextId,
  onDecide,
  onRefresh,
  refreshing,
}: {
  post: ReviewPost;
  awaitingMe: boolean;
  /** Until when the caller's sign-in allows approving and rejecting (null: no step-up). */
  signInValidUntil: string | null | undefined;
  stageName?: string;
  done: DecisionKind | null;
  conflict: { read: number; message: string } | null;
  nextId?: string;
  onDecide: (kind: DecisionKind) => void;
  onRefresh: () => void;
  refreshing: boolean;
}) {
  const me = useMe();
  const now = useNow(1000);
  const v = post.currentVersion;
  const review = post.review;
  const due = review && review.status === 'IN_REVIEW' ? countdown(deadlineOf(review.stageStartedAt, review.stages[review.currentStage - 1]?.slaSeconds ?? 0), now) : null;
  const mine = lastDecidedVersion(post, me.email);
  return (
    <Stack gap="md">
      <Group gap="xs" wrap="wrap">
        <Badge variant="light" color={post.state === 'IN_REVIEW' ? 'blue' : post.state === 'APPROVED' ? 'green' : 'gray'}>
          {m.review.states[post.state] ?? post.state}
        </Badge>
        {review && stageName && post.state === 'IN_REVIEW' && (
          <Text size="sm">{m.review.stage(review.currentStage, stageName)}</Text>
        )}
        {due && (
          <Text size="sm" fw={600} c={due.overdue ? 'red.8' : due.urgent ? urgentColor : undefined} role="timer" aria-live="off">
            {due.text}
          </Text>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        {m.review.versionOf(v.number, v.author.name, dateTime(v.createdAt))} · {relativeTime(v.createdAt)}
      </Text>

      {conflict && (
        <Alert color="yellow" title={m.review.conflictTitle} role="alert" variant="light">
          <Text size="sm">
            {v.number > conflict.read ? m.review.conflictBody(conflict.read, v.number) : m.review.conflictGone}
          </Text>
          {v.number <= conflict.read && (
            <Text size="sm" mt={4}>
              {conflict.message}
            </Text>
          )}
          {v.number > conflict.read && <Changes post={post} from={conflict.read} to={v.number} label={m.review.diffMine(conflict.read, v.number)} />}
        </Alert>
      )}
      {done && (
        <Alert color="green" role="status" variant="light" title={m.review.done[done]}>
          {nextId ? (
            <Anchor component={Link} to={`/posts/${nextId}`} size="sm">
              {m.review.nextInQueue}
            </Anchor>
          ) : (
            <Text size="sm">{m.review.queueDone}</Text>
          )}
        </Alert>
      )}

      <Paper withBorder radius="md" p={{ base: 'sm', sm: 'md' }} component="section" aria-label={m.review.decide}>
        <Title order={2} fz="lg" mb={4}>
          {m.review.decide}
        </Title>
        <Text size="sm" mb="sm">
          {awaitingMe && stageName ? m.review.awaitingYou(stageName) : m.review.notAwaitingYou}
        </Text>
        {awaitingMe && <StepUpNotice postId={post.id} until={signInValidUntil} now={now} />}
        {awaitingMe && (
          <Group gap="xs" wrap="wrap">
            <Button color={approveColor} onClick={() => onDecide('APPROVE')} aria-keyshortcuts="a" disabled={refreshing}>
              {m.review.approve}
            </Button>
            <Button variant="default" onClick={() => onDecide('REQUEST_CHANGES')} aria-keyshortcuts="r" disabled={refreshing}>
              {m.review.requestChanges}
            </Button>
            <Button variant="outline" color="red.9" onClick={() => onDecide('REJECT')} disabled={refreshing}>
              {m.review.reject}
            </Button>
          </Group>
        )}
        <Text size="xs" c="dimmed" mt="xs" visibleFrom="sm">
          {m.review.shortcutsHint}
        </Text>
      </Paper>

      <Section title={m.review.changes}>
        <Stack gap="md">
          {v.number > 1 ? (
            <Changes
              post={post}
              from={v.number - 1}
              to={v.number}
              label={mine === v.number - 1 ? m.review.diffBoth(v.number - 1, v.number) : m.review.diffPrevious(v.number - 1, v.number)}
            />
          ) : (
            <Text size="sm" c="dimmed">
              {m.review.firstVersion}
            </Text>
          )}
          {mine !== null && mine < v.number - 1 && <Changes post={post} from={mine} to={v.number} label={m.review.diffMine(mine, v.number)} />}
          {mine === v.number && (
            <Text size="sm" c="dimmed">
              {m.review.sameAsMine}
            </Text>
          )}
        </Stack>
      </Section>

      <Section title={m.review.previews}>
        <ChannelPreviews content={v.content} plan={post.publicationPlan?.channels ?? []} authorName={post.author.name} />
      </Section>

      <Section title={m.review.schedule}>
        <Schedule plan={post.publicationPlan} />
      </Section>

      <Section title={m.review.media}>
        <MediaList media={v.content.media} link={v.content.link} />
      </Section>

      {review && (
        <Section title={m.review.routing}>
          <RoutingPlan review={review} body={v.content.body} reviewedCurrent={review.versionId === v.id} />
        </Section>
      )}

      <Section title={m.review.thread}>
        <Thread post={post} onRefresh={onRefresh} />
      </Section>
    </Stack>
  );
}

/** Says, before the reviewer writes a decision, that approving or rejecting needs a fresh sign-in. */
function StepUpNotice({ postId, until, now }: { postId: string; until: string | null | undefined; now: number }) {
  if (!until || Date.parse(until) > now) return null;
  return (
    <Alert color="blue" variant="light" mb="sm" title={m.review.stepUpAheadTitle}>
      <Text size="sm" mb={6}>
        {m.review.stepUpAheadBody}
      </Text>
      <Button component="a" href={freshSignInURL(`/posts/${postId}`)} size="xs">
        {m.review.stepUpAheadSignIn}
      </Button>
    </Alert>
  );
}
