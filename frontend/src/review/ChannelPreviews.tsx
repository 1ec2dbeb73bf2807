import { Badge, Group, Image, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { m } from '../app/messages';
import { LinkCard } from '../feed/PostCard';
import type { ReviewPostQuery } from '../gql/graphql';
import { plainLength, xLength, X_URL_LENGTH } from '../share/textLength';

type Post = ReviewPostQuery['post'];
type Content = Post['currentVersion']['content'];
type PlanChannel = { name: string; platform: string };

/** The networks a preview is drawn for, with their limits and colours. */
const networks: Record<string, { name: string; limit: number; color: string }> = {
  linkedin: { name: 'LinkedIn', limit: 3000, color: '#0a66c2' },
  x: { name: 'X', limit: 280, color: '#14171a' },
  facebook: { name: 'Facebook', limit: 63206, color: '#1b74e4' },
  instagram: { name: 'Instagram', limit: 2200, color: '#c13584' },
};

/** The target networks: the post's channels and the platforms of its planned brand channels. */
export function previewNetworks(channels: string[], plan: PlanChannel[]): string[] {
  const out: string[] = [];
  for (const c of [...channels, ...plan.map((p) => p.platform)]) {
    const n = c.toLowerCase();
    if (networks[n] && !out.includes(n)) out.push(n);
  }
  return out;
}

/** One preview per target network: the text (or its override), link and images as they go out. */
export function ChannelPreviews({ content, plan, authorName }: { content: Content; plan: PlanChannel[]; authorName: string }) {
  const list = previewNetworks(content.channels, plan);
  if (list.length === 0) return <Text c="dimmed">{m.review.noChannels}</Text>;
  return (
    <SimpleGrid cols={{ base: 1, md: list.length > 1 ? 2 : 1 }} spacing="md">
      {list.map((n) => (
        <Preview key={n} network={n} content={content} accounts={plan.filter((p) => p.platform.toLowerCase() === n).map((p) => p.name)} authorName={authorName} />
      ))}
    </SimpleGrid>
  );
}

function Preview({ network, content, accounts, authorName }: { network: string; content: Content; accounts: string[]; authorName: string }) {
  const net = networks[network];
  const override = content.channelOverrides.find((o) => o.channel.toLowerCase() === network);
  const text = override?.body ?? content.body;
  const used = network === 'x' ? xLength(text) + (content.link ? X_URL_LENGTH + 1 : 0) : plainLength(text);
  const over = used > net.limit;
  const images = content.media.filter((md) => md.kind.toUpperCase() === 'IMAGE');
  const label = m.review.previewOn(net.name);
  return (
    <Paper withBorder radius="md" p="sm" role="group" aria-label={label} style={{ borderTop: `4px solid ${net.color}`, minWidth: 0 }}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="wrap" gap={4}>
          <Title order={3} fz="sm" fw={700}>
            {label}
          </Title>
          {override && (
            <Badge size="xs" variant="light">
              {m.review.ownText}
            </Badge>
          )}
        </Group>
        <Group gap={8} wrap="nowrap">
          <div aria-hidden style={{ width: 32, height: 32, borderRadius: network === 'linkedin' ? 4 : '50%', background: net.color, flexShrink: 0 }} />
          <div style={{ minWidth: 0 }}>
            <Text size="sm" fw={600} lh={1.2}>
              {accounts.length > 0 ? accounts.join(', ') : authorName}
            </Text>
            <Text size="xs" c="dimmed" lh={1.2}>
              {m.review.brandAccount}
            </Text>
          </div>
        </Group>
        <Text size="sm" style={{ whiteSpace: 'pre-line', overflowWrap: 'anywhere' }}>
          {text}
        </Text>
        {images.length > 0 && (
          <SimpleGrid cols={images.length > 1 ? 2 : 1} spacing={4}>
            {images.map((img) => (
              <Image key={img.url} src={img.url} alt={img.altText} radius="sm" mah={200} fit="cover" />
            ))}
          </SimpleGrid>
        )}
        {content.link && <LinkCard url={content.link} compact />}
        <Text size="xs" c={over ? 'red.8' : 'dimmed'} fw={over ? 700 : undefined}>
          {over ? m.review.overLimit(used, net.limit) : m.review.underLimit(used, net.limit)}
        </Text>
      </Stack>
    </Paper>
  );
}
