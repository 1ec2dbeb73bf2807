import { Fragment } from 'react';

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", '#34': '"' };

/** Decodes the few entities an HTML-escaping server writes; any other markup stays text. */
export function unescapeHTML(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#39|#34|#x[0-9a-f]+|#\d+);/gi, (whole, name: string) => {
    const known = entities[name.toLowerCase()];
    if (known) return known;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** Splits escaped HTML whose only markup is <mark>…</mark> into text and marked parts. */
export function parseMarks(html: string): { text: string; marked: boolean }[] {
  const parts: { text: string; marked: boolean }[] = [];
  const re = /<mark>([\s\S]*?)<\/mark>/g;
  let last = 0;
  for (let match = re.exec(html); match; match = re.exec(html)) {
    if (match.index > last) parts.push({ text: unescapeHTML(html.slice(last, match.index)), marked: false });
    parts.push({ text: unescapeHTML(match[1]), marked: true });
    last = re.lastIndex;
  }
  if (last < html.length) parts.push({ text: unescapeHTML(html.slice(last)), marked: false });
  return parts;
}

/**
 * Renders a search highlight: the server's text is HTML-escaped with matches in <mark>. Only the
 * marks become elements; everything else is rendered as text (React escapes it again), so no
 * server markup reaches the page.
 */
export function Highlight({ html }: { html: string }) {
  return (
    <>
      {parseMarks(html).map((p, i) =>
        p.marked ? <mark key={i}>{p.text}</mark> : <Fragment key={i}>{p.text}</Fragment>,
      )}
    </>
  );
}
