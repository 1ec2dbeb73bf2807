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
const urlPattern = /\bhttps?:\/\/[^\s]+|\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|dev|co|de|uk|eu|app)\b(?:\/[^\s]*)?/gi;
// An emoji sequence (with joiners, modifiers and variation selectors) counts once, as 2.
const emojiSequence = /\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier}|\u200D\p{Extended_Pictographic}\uFE0F?)*/gu;

/** The length of text as X counts it: URLs 23, emoji sequences 2, wide characters 2. */
export function xLength(text: string): number {
  let n = 0;
  const withoutUrls = text.replace(urlPattern, () => {
    n += X_URL_LENGTH;
    return '';
  });
  const withoutEmoji = withoutUrls.replace(emojiSequence, () => {
    n += 2;
    return '';
  });
  for (const ch of withoutEmoji) {
    const cp = ch.codePointAt(0)!;
    n += lightRanges.some(([lo, hi]) => cp >= lo && cp <= hi) ? 1 : 2;
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
