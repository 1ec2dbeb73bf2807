// Classifier evidence marked in a post's body. The server gives byte offsets into the UTF-8 body
// (approval.Label); JavaScript strings count UTF-16 units.

export type Evidence = { name: string; evidence: string; start: number; end: number };

const escapeHTML = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Where a UTF-8 byte offset of s falls in the string (UTF-16 index), or -1 when it splits a character. */
export function utf16Index(s: string, byteOffset: number): number {
  let bytes = 0;
  let i = 0;
  while (i < s.length && bytes < byteOffset) {
    const cp = s.codePointAt(i)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += cp > 0xffff ? 2 : 1;
  }
  return bytes === byteOffset ? i : -1;
}

/** The spans of body each label's evidence covers: at its offsets, or else where its text is. */
export function evidenceSpans(body: string, labels: Evidence[]): [number, number][] {
  const spans: [number, number][] = [];
  for (const l of labels) {
    if (!l.evidence) continue;
    let start = utf16Index(body, l.start);
    let end = utf16Index(body, l.end);
    if (start < 0 || end < 0 || body.slice(start, end) !== l.evidence) {
      // The offsets are for another text (an older version): find the words instead.
      start = body.indexOf(l.evidence);
      end = start + l.evidence.length;
    }
    if (start >= 0 && end > start) spans.push([start, end]);
  }
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  // Merge overlaps: one mark per stretch of evidence.
  const merged: [number, number][] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  return merged;
}

/** The body as escaped HTML with the evidence in <mark>, the shape ui/Highlight renders. */
export function markEvidence(body: string, labels: Evidence[]): string {
  let out = '';
  let at = 0;
  for (const [start, end] of evidenceSpans(body, labels)) {
    out += escapeHTML(body.slice(at, start)) + '<mark>' + escapeHTML(body.slice(start, end)) + '</mark>';
    at = end;
  }
  return out + escapeHTML(body.slice(at));
}
