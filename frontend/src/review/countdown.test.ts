import { describe, expect, it } from 'vitest';
import { countdown, deadlineOf, formatDuration } from './countdown';

const s = 1000;
const min = 60 * s;
const h = 60 * min;
const d = 24 * h;

describe('formatDuration', () => {
  it.each([
    [45 * s, '45 s'],
    [0, '0 s'],
    [12 * min + 5 * s, '12 min 05 s'],
    [3 * h + 12 * min + 40 * s, '3 h 12 min'],
    [5 * h, '5 h'],
    [d + 4 * h + 59 * min, '1 d 4 h'],
    [2 * d, '2 d'],
    [-(5 * min), '5 min 00 s'],
  ])('%i ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('countdown', () => {
  const start = '2026-12-01T09:00:00Z';
  const deadline = deadlineOf(start, 48 * 3600)!;
  const t0 = Date.parse(start);
  it('counts down to a stage deadline', () => {
    expect(deadline.toISOString()).toBe('2026-12-03T09:00:00.000Z');
    expect(countdown(deadline, t0 + 1000)).toEqual({ text: 'Due in 1 d 23 h', overdue: false, urgent: false });
  });
  it('is urgent in the last two hours', () => {
    expect(countdown(deadline, deadline.getTime() - 90 * min)).toEqual({ text: 'Due in 1 h 30 min', overdue: false, urgent: true });
  });
  it('says how late once the deadline passed', () => {
    expect(countdown(deadline, deadline.getTime() + 3 * h)).toEqual({ text: 'Overdue by 3 h', overdue: true, urgent: true });
    expect(countdown(deadline, deadline.getTime())).toMatchObject({ overdue: true });
  });
  it('has no deadline without an SLA', () => {
    expect(deadlineOf(start, 0)).toBeNull();
    expect(countdown(null, t0).text).toBe('No deadline');
  });
});
