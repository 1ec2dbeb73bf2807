import { useQuery, useSubscription } from 'urql';
import { m } from '../app/messages';
import { notificationAddedSubscription } from '../notifications/documents';
import { queueIdsQuery, queueKinds } from './queue';

// A plain span rather than Mantine's Badge: this sits in the first page's bundle.
const badge = {
  display: 'inline-block',
  minWidth: 20,
  padding: '0 6px',
  borderRadius: 10,
  background: 'var(--mantine-color-red-8)',
  color: 'var(--mantine-color-white)',
  fontSize: 12,
  fontWeight: 700,
  lineHeight: '20px',
  textAlign: 'center',
} as const;

/** The count of posts awaiting the reviewer, next to "Review queue"; refreshed when a review notification arrives. */
export function QueueBadge() {
  const [{ data }, refetch] = useQuery({ query: queueIdsQuery });
  useSubscription({ query: notificationAddedSubscription }, (_prev, event) => {
    if (queueKinds.includes(event.notificationAdded.kind)) refetch({ requestPolicy: 'network-only' });
    return event;
  });
  const n = data?.reviewQueue.totalCount ?? 0;
  if (n === 0) return null;
  return (
    <>
      <span style={badge} aria-hidden data-testid="queue-count">
        {m.review.queueBadge(n)}
      </span>
      <span className="visually-hidden">{m.review.queueBadgeLabel(n)}</span>
    </>
  );
}
