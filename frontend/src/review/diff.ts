// Rendering the server's unified diff of a post's body (VersionDiff.bodyDiff): lines added,
// removed and kept, and, where a run of removed lines is followed by added ones, the words that
// changed inside them.

export type DiffLine = { kind: 'add' | 'del' | 'context' | 'hunk'; text: string; words?: WordPart[] };
export type WordPart = { text: string; changed: boolean };

/** Parses a unified diff; the ---/+++ file headers are dropped, "\ No newline" notes too. */
export function parseUnifiedDiff(diff: string): DiffLine[] {
  const lines: DiffLine[] = [];
  const raw = diff.replace(/\n$/, '').split('\n');
  for (const line of raw) {
    if (line.startsWith('--- ') || line.startsWith('+++ ') || line.startsWith('\\')) continue;
    if (line.startsWith('@@')) lines.push({ kind: 'hunk', text: line });
    else if (line.startsWith('+')) lines.push({ kind: 'add', text: line.slice(1) });
    else if (line.startsWith('-')) lines.push({ kind: 'del', text: line.slice(1) });
    else if (line !== '' || lines.length > 0) lines.push({ kind: 'context', text: line.startsWith(' ') ? line.slice(1) : line });
  }
  // The server diffs the body with a final newline added: drop the blank context that leaves.
  while (lines.length > 0 && lines[lines.length - 1].kind === 'context' && lines[lines.length - 1].text.trim() === '') lines.pop();
  return pairWords(lines);
}

/** For each run of removed lines followed by as many added lines, marks the words that differ. */
function pairWords(lines: DiffLine[]): DiffLine[] {
  for (let i = 0; i < lines.length; ) {
    if (lines[i].kind !== 'del') {
      i++;
      continue;
    }
    let d = i;
    while (d < lines.length && lines[d].kind === 'del') d++;
    let a = d;
    while (a < lines.length && lines[a].kind === 'add') a++;
    const dels = d - i;
    const adds = a - d;
    for (let k = 0; k < Math.min(dels, adds); k++) {
      const [before, after] = wordDiff(lines[i + k].text, lines[d + k].text);
      lines[i + k].words = before;
      lines[d + k].words = after;
    }
    i = a;
  }
  return lines;
}

// Words, runs of white space and punctuation marks: "today." and "today at" share "today".
const tokens = (s: string) => s.split(/(\s+|[.,;:!?()"“”‘’])/).filter((t) => t !== '');

/** The words of a and b, each marked changed unless part of their longest common subsequence. */
export function wordDiff(a: string, b: string): [WordPart[], WordPart[]] {
  const x = tokens(a);
  const y = tokens(b);
  // LCS table (lines are short: a post's paragraph).
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const left: WordPart[] = [];
  const right: WordPart[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    if (x[i] === y[j]) {
      push(left, x[i++], false);
      push(right, y[j++], false);
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) push(left, x[i++], true);
    else push(right, y[j++], true);
  }
  while (i < x.length) push(left, x[i++], true);
  while (j < y.length) push(right, y[j++], true);
  return [left, right];
}

/** Appends text, merging with the previous part when both are (un)changed; whitespace between two
 * changed words counts as changed so a changed phrase is marked as one. */
function push(parts: WordPart[], text: string, changed: boolean) {
  const last = parts[parts.length - 1];
  if (last && last.changed === changed) last.text += text;
  else parts.push({ text, changed });
}
