import { describe, expect, it } from 'vitest';
import { plainLength, shareBudget, xLength } from './textLength';

describe('xLength', () => {
  it('counts Latin text one per character', () => {
    expect(xLength('Hello, world')).toBe(12);
  });
  it('counts any URL as 23', () => {
    expect(xLength('See https://example.com/a/very/long/path?with=query')).toBe(4 + 23);
  });
  it('counts CJK and emoji as 2', () => {
    expect(xLength('日本')).toBe(4);
    expect(xLength('🎉')).toBe(2);
    expect(xLength('👩‍💻')).toBe(2);
  });
  // The same cases as internal/advocacy/xlength_test.go: the server counts alike.
  it('counts an emoji sequence as 2 and light characters each', () => {
    expect(xLength('read example.com/launch now')).toBe(5 + 23 + 4);
    expect(xLength('https://a.com/x\u00a0and\u3000日本')).toBe(23 + 1 + 3 + 2 + 4);
    expect(xLength('👍🏽')).toBe(2);
    expect(xLength('🇩🇪')).toBe(2);
    expect(xLength('1️⃣')).toBe(2);
    expect(xLength('e\u0301')).toBe(2);
    expect(xLength('Ünïcödé – “quoted”')).toBe(18);
  });
});

describe('shareBudget', () => {
  it('adds the tracked link on X', () => {
    expect(shareBudget('X', 'Join us', true)).toEqual({ used: 7 + 24, limit: 280, over: 0 });
    expect(shareBudget('X', 'a'.repeat(257), true).over).toBe(1);
  });
  it('counts code points on LinkedIn, up to 3000', () => {
    expect(shareBudget('LINKEDIN', '🎉'.repeat(3001), true)).toEqual({ used: 3001, limit: 3000, over: 1 });
    expect(plainLength('日本')).toBe(2);
  });
});
