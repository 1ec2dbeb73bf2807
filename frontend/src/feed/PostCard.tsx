import { Anchor, Badge, Button, Card, Group, Image, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconLink, IconLock, IconPencil, IconPin } from '../ui/icons';
import { lazy, Suspense, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { m } from '../app/messages';
import { useMe } from '../app/session';
import { graphql } from '../gql';
import type { PostCardFragment } from '../gql/graphql';
import { hostOf } from '../ui/format';

const ShareDialog = lazy(() => import('../share/ShareDialog'));

export const postCardFragment = graphql(`
  fragment PostCard on Post {
    id
    title
    state
    shareCount
    clickCount
    currentVersion {
      id
      content {
        title
        body
        link
        media {
          url
          altText
          kind
        }
        tags
        shareText
        shareTextEditable
      }
    }
  }
`);

export type SuggestedText = { network: string; text: string };

/** A post as employees see it: its text, link and media, and how it will look when shared. */
export function PostCard({
  post,
  pinned,
  suggestedText = [],
  hideTitle,
  extra,
}: {
  post: PostCardFragment;
  pinned?: boolean;
  suggestedText?: SuggestedText[];
  /** The page's heading names the post already. */
  hideTitle?: boolean;
  extra?: ReactNode;
}) {
  const content = post.currentVersion.content;
  const title = content.title || post.title;
  const images = content.media.filter((md) => md.kind.toUpperCase() === 'IMAGE');
  const others = content.media.filter((md) => md.kind.toUpperCase() !== 'IMAGE');
  return (
    <Card withBorder radius="md" padding="lg" component="article" aria-label={title}>
      <Stack gap="sm">
        {(!hideTitle || pinned) && (
        <Group justify={hideTitle ? 'flex-end' : 'space-between'} align="flex-start" wrap="nowrap">
          {!hideTitle && (
            <Title order={2} fz="lg" lh={1.3}>
              <Anchor component={Link} to={`/posts/${post.id}`} c="inherit" fw={700} underline="hover">
                {title}
              </Anchor>
            </Title>
          )}
          {pinned && (
            <Badge leftSection={<IconPin size={12} aria-hidden />} variant="light" style={{ flexShrink: 0 }}>
              {m.feed.pinned}
            </Badge>
          )}
        </Group>
        )}
        <Text style={{ whiteSpace: 'pre-line', overflowWrap: 'anywhere' }}>{content.body}</Text>
        {images.length > 0 && (
          <SimpleGrid cols={images.length > 1 ? 2 : 1} spacing="xs">
            {images.map((img) => (
              <Image key={img.url} src={img.url} alt={img.altText} radius="sm" mah={280} fit="cover" fallbackSrc={undefined} loading="lazy" decoding="async" />
            ))}
          </SimpleGrid>
        )}
        {others.map((md) => (
          <Anchor key={md.url} href={md.url} target="_blank" rel="noopener noreferrer" size="sm">
            {md.altText || hostOf(md.url)} ({md.kind.toLowerCase()})
          </Anchor>
        ))}
        <SharePreview post={post} />
        {extra}
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Text size="sm" c="dimmed">
            {m.post.shares(post.shareCount)} · {m.post.clicks(post.clickCount)}
          </Text>
          {post.state === 'APPROVED' && <ShareButton post={post} suggestedText={suggestedText} />}
        </Group>
      </Stack>
    </Card>
  );
}

/** Share, and the share dialog it opens (its code loaded when first opened). */
export function ShareButton({ post, suggestedText }: { post: PostCardFragment; suggestedText: SuggestedText[] }) {
  const [sharing, setSharing] = useState(false);
  const title = post.currentVersion.content.title || post.title;
  return (
    <>
      <Button onClick={() => setSharing(true)} aria-label={m.post.shareTitle(title)}>
        {m.post.share}
      </Button>
      {sharing && (
        <Suspense fallback={null}>
          <ShareDialog post={post} suggestedText={suggestedText} opened onClose={() => setSharing(false)} />
        </Suspense>
      )}
    </>
  );
}

export function LinkCard({ url, compact }: { url: string; compact?: boolean }) {
  return (
    <Paper withBorder radius="sm" p={compact ? 'xs' : 'sm'} bg="gray.0">
      <Group gap="xs" wrap="nowrap">
        <IconLink size={18} aria-hidden style={{ flexShrink: 0 }} />
        <div style={{ minWidth: 0 }}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {hostOf(url)}
          </Text>
          <Anchor href={url} target="_blank" rel="noopener noreferrer" size="sm" style={{ overflowWrap: 'anywhere' }}>
            {url}
          </Anchor>
        </div>
      </Group>
    </Paper>
  );
}

/** The suggested share text as it goes out under the employee's name, with the link card. */
function SharePreview({ post }: { post: PostCardFragment }) {
  const me = useMe();
  const content = post.currentVersion.content;
  return (
    <Paper radius="sm" p="sm" bg="blue.0" aria-label={m.post.preview} role="group">
      <Group justify="space-between" mb={6} wrap="wrap" gap={4}>
        <Text size="xs" fw={700} c="blue.9" tt="uppercase">
          {m.post.preview}
        </Text>
        <Group gap={4} wrap="nowrap">
          {content.shareTextEditable ? <IconPencil size={14} aria-hidden /> : <IconLock size={14} aria-hidden />}
          <Text size="xs" c="gray.8">
            {content.shareTextEditable ? m.post.editableText : m.post.lockedText}
          </Text>
        </Group>
      </Group>
      <Text size="sm" fw={600}>
        {me.name}
      </Text>
      <Text size="sm" style={{ whiteSpace: 'pre-line', overflowWrap: 'anywhere' }} mb={content.link ? 6 : 0}>
        {content.shareText || <Text span c="gray.8" fs="italic" size="sm">{m.post.noShareText}</Text>}
      </Text>
      {content.link && <LinkCard url={content.link} compact />}
    </Paper>
  );
}
