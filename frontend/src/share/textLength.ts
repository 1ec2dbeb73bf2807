import type { ShareNetwork } from '../gql/graphql';

/** X's limit in weighted characters, and what any link counts (t.co wraps every URL). */
export const X_LIMIT = 280;
export const X_URL_LENGTH = 23;
/** Share texts are at most this long on every other network (LinkedIn's post limit). */
export const TEXT_LIMIT = 3000;

// X counts these code points as 1 and everything else (CJK, emoji, ...) as 2 (twitter-text v3).
const lightRanges: [number, number][] = [
  [0, 4351],
  [8192, 8205],
  [8208, 8223],
  [8242, 8247],
];
// A link runs to the next white space (\s: the server writes the same class out, Go's being ASCII only).
const urlPattern = /\bhttps?:\/\/[^\s]+|\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|dev|co|de|uk|eu|app)\b(?:\/[^\s]*)?/gi;
const light = (ch: string) => {
  const cp = ch.codePointAt(0)!;
  return lightRanges.some(([lo, hi]) => cp >= lo && cp <= hi);
};
// Browsers without Intl.Segmenter count by code point (an emoji sequence then counts more).
const graphemes = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;
const segments = (text: string): string[] => (graphemes ? Array.from(graphemes.segment(text), (s) => s.segment) : [...text]);

/**
 * The length of text as X counts it: URLs 23; by user-perceived character, a character of light
 * code points counts each of them, one holding any other (an emoji sequence, a flag, a CJK
 * character) counts 2. The server counts the same way (internal/advocacy/xlength.go).
 */
export function xLength(text: string): number {
  let n = 0;
  const withoutUrls = text.replace(urlPattern, () => {
    n += X_URL_LENGTH;
    return '';
  });
  for (const segment of segments(withoutUrls)) {
    const points = [...segment];
    n += points.every(light) ? points.length : 2;
  }
  return n;
}

/** Characters as the server and LinkedIn count them: code points. */
export function plainLength(text: string): number {
  return [...text].length;
}

export type Budget = { used: number; limit: number; over: number };

/**
 * How much of a network's limit the share uses. On X the tracked link goes out with the text and
 * takes 23 characters and a space.
 */
export function shareBudget(network: ShareNetwork, text: string, hasLink: boolean): Budget {
  if (network === 'X') {
    const used = xLength(text.trim()) + (hasLink ? X_URL_LENGTH + 1 : 0);
    return { used, limit: X_LIMIT, over: Math.max(0, used - X_LIMIT) };
  }
  const used = plainLength(text.trim());
  return { used, limit: TEXT_LIMIT, over: Math.max(0, used - TEXT_LIMIT) };
}
