import { Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef, type ReactNode } from 'react';
import { useLocation } from 'react-router';
import { m } from '../app/messages';

let firstPage = true;

/**
 * A page: its main heading (which takes focus after each navigation, so screen readers announce
 * the new page and keyboard users start from it), an optional intro, and its content.
 */
export function Page({ title, intro, actions, children }: { title: string; intro?: ReactNode; actions?: ReactNode; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const location = useLocation();
  useEffect(() => {
    document.title = `${title} · ${m.app.name}`;
  }, [title]);
  useEffect(() => {
    // Not on the first page: the browser starts at the top of the document then.
    if (firstPage) {
      firstPage = false;
      return;
    }
    heading.current?.focus();
  }, [location.pathname]);
  return (
    <Stack gap="md">
      <div>
        <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 12, flexWrap: 'wrap' }}>
          <Title order={1} ref={heading} tabIndex={-1} style={{ outline: 'none' }} fz={{ base: 26, sm: 32 }}>
            {title}
          </Title>
          {actions}
        </div>
        {intro && (
          <Text c="dimmed" mt={4}>
            {intro}
          </Text>
        )}
      </div>
      {children}
    </Stack>
  );
}
