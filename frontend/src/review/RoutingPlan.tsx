import { Badge, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { m } from '../app/messages';
import { Highlight } from '../ui/Highlight';
import { markEvidence } from './evidence';
import type { ReviewPost } from './ReviewPage';

type Review = NonNullable<ReviewPost['review']>;

const actionText = (a: Review['plan']['rules'][number]['action']) =>
  a.kind === 'ADD_STAGE'
    ? m.review.ruleAction.ADD_STAGE(a.group, a.stageName)
    : a.kind === 'ADD_GROUP'
      ? m.review.ruleAction.ADD_GROUP(a.group)
      : m.review.ruleAction.USE_WORKFLOW();

/** Why the post came to this reviewer: the stages, the rules that matched and the classifier evidence. */
export function RoutingPlan({ review, body, reviewedCurrent }: { review: Review; body: string; reviewedCurrent: boolean }) {
  const { plan } = review;
  return (
    <Stack gap="md">
      <div>
        <Title order={3} fz="md" mb={4}>
          {m.review.matchedRules}
        </Title>
        {plan.rules.length === 0 ? (
          <Text size="sm" c="dimmed">
            {m.review.noRules}
          </Text>
        ) : (
          <List spacing={4} size="sm" aria-label={m.review.matchedRules}>
            {plan.rules.map((r) => (
              <List.Item key={r.ruleId}>
                <Text span fw={600} size="sm">
                  {r.name}
                </Text>{' '}
                <Text span size="sm">
                  ({actionText(r.action)})
                </Text>
                {r.note && (
                  <Text size="xs" c="dimmed">
                    {r.note}
                  </Text>
                )}
                {r.error && (
                  <Text size="xs" c="red.8">
                    {m.review.ruleFailed(r.error)}
                  </Text>
                )}
              </List.Item>
            ))}
          </List>
        )}
      </div>
      <div>
        <Title order={3} fz="md" mb={4}>
          {m.review.labels}
        </Title>
        {plan.labels.length === 0 ? (
          <Text size="sm" c="dimmed">
            {m.review.noLabels}
          </Text>
        ) : (
          <Stack gap="xs">
            <List spacing={4} size="sm" aria-label={m.review.labels}>
              {plan.labels.map((l, i) => (
                <List.Item key={`${l.name}-${i}`}>
                  <Text span fw={600} size="sm">
                    {m.review.labelNames[l.name] ?? l.name}
                  </Text>
                  {l.evidence && (
                    <Text span size="sm">
                      {': '}
                      <mark>{m.review.evidence(l.evidence)}</mark>
                    </Text>
                  )}
                </List.Item>
              ))}
            </List>
            {reviewedCurrent && (
              <Paper bg="gray.0" p="sm" radius="sm" role="group" aria-label={m.review.evidenceInText}>
                <Text size="xs" fw={700} tt="uppercase" c="dimmed" mb={4}>
                  {m.review.evidenceInText}
                </Text>
                <Text size="sm" style={{ whiteSpace: 'pre-line', overflowWrap: 'anywhere' }} data-testid="evidence-text">
                  <Highlight html={markEvidence(body, plan.labels)} />
                </Text>
              </Paper>
            )}
          </Stack>
        )}
      </div>
      <div>
        <Title order={3} fz="md" mb={4}>
          {m.review.stages}
        </Title>
        <Text size="sm" c="dimmed" mb={4}>
          {m.review.workflow(plan.workflowName)}
        </Text>
        <Stack gap={4}>
          {review.stages.map((s) => (
            <Group key={s.number} gap="xs" wrap="wrap">
              <Text size="sm" fw={s.number === review.currentStage ? 700 : 400}>
                {m.review.stage(s.number, s.name)}
              </Text>
              {s.cleared ? (
                <Badge size="xs" color="green" variant="light">
                  {m.review.cleared}
                </Badge>
              ) : s.number === review.currentStage && review.status === 'IN_REVIEW' ? (
                <Badge size="xs" variant="light">
                  {m.review.current}
                </Badge>
              ) : null}
              <Text size="xs" c="dimmed">
                {s.groups.map((g) => m.review.stageApprovals(g.group, g.approvals, g.required)).join(' · ')}
              </Text>
            </Group>
          ))}
        </Stack>
      </div>
    </Stack>
  );
}
