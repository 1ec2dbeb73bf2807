import { describe, expect, it } from 'vitest';
import { evidenceSpans, markEvidence, utf16Index } from './evidence';

describe('markEvidence', () => {
  it('marks evidence at its byte offsets, after multi-byte characters too', () => {
    // "€" is 3 bytes in UTF-8, "🚀" 4: the server's offsets count bytes.
    const body = 'Ünd 🚀 now €49/month & 3x faster';
    const enc = new TextEncoder();
    const byteStart = enc.encode('Ünd 🚀 now ').length;
    const labels = [{ name: 'pricing', evidence: '€49/month', start: byteStart, end: byteStart + enc.encode('€49/month').length }];
    expect(markEvidence(body, labels)).toBe('Ünd 🚀 now <mark>€49/month</mark> &amp; 3x faster');
  });
  it('finds the words when the offsets do not fit the text', () => {
    expect(markEvidence('a <b> 3x faster', [{ name: 'performance_claim', evidence: '3x faster', start: 99, end: 108 }])).toBe(
      'a &lt;b&gt; <mark>3x faster</mark>',
    );
  });
  it('merges overlapping evidence into one mark', () => {
    expect(
      evidenceSpans('plans at $49/month', [
        { name: 'pricing', evidence: '$49', start: 9, end: 12 },
        { name: 'pricing', evidence: '$49/month', start: 9, end: 18 },
      ]),
    ).toEqual([[9, 18]]);
  });
  it('does not split a character', () => {
    expect(utf16Index('€', 1)).toBe(-1);
    expect(utf16Index('€a', 3)).toBe(1);
  });
});
