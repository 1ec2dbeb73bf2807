import { Stack, Text } from '@mantine/core';
import { m } from '../app/messages';
import type { ReviewPostQuery } from '../gql/graphql';
import { browserTimeZone, formatInZone } from './schedule';

type Plan = ReviewPostQuery['post']['publicationPlan'];

/** When and where the post goes out once approved: in the reviewer's time zone, and the plan's. */
export function Schedule({ plan, timeZone = browserTimeZone() }: { plan: Plan; timeZone?: string }) {
  if (!plan) return <Text c="dimmed">{m.review.notScheduled}</Text>;
  const channels = plan.channels.map((c) => `${c.name} (${m.share.networks[c.platform] ?? c.platform})`).join(', ');
  return (
    <Stack gap={4}>
      {plan.manualRelease || !plan.publishAt ? (
        <Text fw={600}>{m.review.manualRelease}</Text>
      ) : (
        <>
          <Text fw={600} data-testid="publish-at">
            {m.review.publishAt(formatInZone(plan.publishAt, timeZone))} {m.review.yourTimeZone(timeZone)}
          </Text>
          {plan.timeZone !== timeZone && (
            <Text size="sm" c="dimmed">
              {m.review.planTimeZone(formatInZone(plan.publishAt, plan.timeZone), plan.timeZone)}
            </Text>
          )}
        </>
      )}
      {channels && <Text size="sm">{m.review.onChannels(channels)}</Text>}
    </Stack>
  );
}
