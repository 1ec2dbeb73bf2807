import { Anchor, Image, SimpleGrid, Stack, Text } from '@mantine/core';
import { m } from '../app/messages';
import { LinkCard } from '../feed/PostCard';
import { hostOf } from '../ui/format';

type Media = { url: string; altText: string; kind: string };

/** The creative: each medium with its alt text (what screen-reader users get), and the link. */
export function MediaList({ media, link }: { media: Media[]; link: string }) {
  return (
    <Stack gap="sm">
      {media.length === 0 ? (
        <Text c="dimmed" size="sm">
          {m.review.noMedia}
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          {media.map((md) => (
            <Stack key={md.url} gap={4}>
              {md.kind.toUpperCase() === 'IMAGE' ? (
                <Image src={md.url} alt={md.altText} radius="sm" mah={240} fit="contain" bg="gray.0" />
              ) : (
                <Anchor href={md.url} target="_blank" rel="noopener noreferrer" size="sm">
                  {m.review.mediaOpen(md.kind)}: {hostOf(md.url)}
                </Anchor>
              )}
              <Text size="xs" c={md.altText ? 'dimmed' : 'red.8'}>
                {m.review.mediaAlt(md.altText)}
              </Text>
            </Stack>
          ))}
        </SimpleGrid>
      )}
      {link && (
        <div>
          <Text size="sm" fw={600} mb={4}>
            {m.review.link}
          </Text>
          <LinkCard url={link} />
        </div>
      )}
    </Stack>
  );
}
