import { describe, expect, it } from 'vitest';
import { parseUnifiedDiff, wordDiff } from './diff';

const bodyDiff = `--- version 1
+++ version 2
@@ -1,2 +1,2 @@
 Clearpost Teams is here.
-Plans start at $29/month.
+Plans start at $25/month, billed yearly.
`;

describe('parseUnifiedDiff', () => {
  it('drops the file headers and keeps the lines with their kind', () => {
    const lines = parseUnifiedDiff(bodyDiff);
    expect(lines.map((l) => [l.kind, l.text])).toEqual([
      ['hunk', '@@ -1,2 +1,2 @@'],
      ['context', 'Clearpost Teams is here.'],
      ['del', 'Plans start at $29/month.'],
      ['add', 'Plans start at $25/month, billed yearly.'],
    ]);
  });
  it('marks the words that changed inside a replaced line', () => {
    const [, , del, add] = parseUnifiedDiff(bodyDiff);
    expect(del.words?.filter((w) => w.changed).map((w) => w.text)).toEqual(['$29/month']);
    expect(add.words?.filter((w) => w.changed).map((w) => w.text)).toEqual(['$25/month, billed yearly']);
    expect(add.words?.map((w) => w.text).join('')).toBe('Plans start at $25/month, billed yearly.');
  });
  it('leaves unpaired additions whole', () => {
    const lines = parseUnifiedDiff('@@ -1 +1,2 @@\n a\n+b\n');
    expect(lines[2]).toEqual({ kind: 'add', text: 'b' });
  });
  it('is empty for an unchanged body', () => {
    expect(parseUnifiedDiff('')).toEqual([]);
  });
});

describe('wordDiff', () => {
  it('keeps the common words unmarked', () => {
    const [a, b] = wordDiff('ship posts 3x faster', 'ship posts faster');
    expect(a).toEqual([
      { text: 'ship posts ', changed: false },
      { text: '3x ', changed: true },
      { text: 'faster', changed: false },
    ]);
    expect(b).toEqual([{ text: 'ship posts faster', changed: false }]);
  });
});

describe('parseUnifiedDiff, as the server writes it', () => {
  it('drops the blank line the final newline leaves, and pairs words across punctuation', () => {
    const lines = parseUnifiedDiff('--- version 1\n+++ version 2\n@@ -1,2 +1,2 @@\n-Launches today.\n+Launches today at $29/month.\n \n');
    expect(lines.map((l) => l.kind)).toEqual(['hunk', 'del', 'add']);
    expect(lines[1].words?.filter((w) => w.changed)).toEqual([]);
    expect(lines[2].words?.filter((w) => w.changed).map((w) => w.text)).toEqual([' at $29/month']);
  });
});
