import { m } from '../app/messages';
import { Empty } from '../ui/QueryState';
import { Page } from '../ui/Page';

/** Placeholder: the review queue comes with the reviewer pages. */
export default function QueuePage() {
  return (
    <Page title={m.review.queueTitle}>
      <Empty>{m.review.queuePlaceholder}</Empty>
    </Page>
  );
}
