import { Box, Text } from '@mantine/core';
import { m } from '../app/messages';
import { parseUnifiedDiff, type DiffLine } from './diff';

const styles: Record<DiffLine['kind'], { bg?: string; sign: string; label?: string }> = {
  add: { bg: 'var(--mantine-color-green-0)', sign: '+', label: m.review.added },
  del: { bg: 'var(--mantine-color-red-0)', sign: '−', label: m.review.removed },
  context: { sign: ' ' },
  hunk: { bg: 'var(--mantine-color-gray-1)', sign: '' },
};

/** A unified diff of a post's body: removed lines red, added green, changed words marked. */
export function DiffView({ diff, label }: { diff: string; label: string }) {
  const lines = parseUnifiedDiff(diff).filter((l) => l.kind !== 'hunk');
  if (lines.length === 0) return <Text c="dimmed">{m.review.bodyUnchanged}</Text>;
  return (
    <Box
      component="div"
      role="group"
      aria-label={label}
      style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 6, overflow: 'hidden', fontSize: 14 }}
    >
      {lines.map((l, i) => {
        const s = styles[l.kind];
        const Tag = l.kind === 'add' ? 'ins' : l.kind === 'del' ? 'del' : 'div';
        return (
          <Tag
            key={i}
            data-diff={l.kind}
            style={{ display: 'flex', gap: 8, padding: '2px 8px', background: s.bg, textDecoration: 'none', color: 'inherit' }}
          >
            <span aria-hidden style={{ width: 12, flexShrink: 0, fontWeight: 700, color: l.kind === 'add' ? '#1f6b33' : l.kind === 'del' ? '#a51d1d' : undefined }}>
              {s.sign}
            </span>
            {s.label && <span className="visually-hidden">{s.label}: </span>}
            <span style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', minWidth: 0 }}>
              {l.words
                ? l.words.map((w, j) =>
                    w.changed ? (
                      <strong
                        key={j}
                        style={{ background: l.kind === 'add' ? 'var(--mantine-color-green-2)' : 'var(--mantine-color-red-2)', borderRadius: 2 }}
                      >
                        {w.text}
                      </strong>
                    ) : (
                      <span key={j}>{w.text}</span>
                    ),
                  )
                : l.text || ' '}
            </span>
          </Tag>
        );
      })}
    </Box>
  );
}
