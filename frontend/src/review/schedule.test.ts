import { describe, expect, it } from 'vitest';
import { formatInZone } from './schedule';

describe('formatInZone', () => {
  it('shows one instant on the clocks of two zones', () => {
    const at = '2027-03-15T13:00:00Z'; // 09:00 in New York (EDT)
    expect(formatInZone(at, 'Europe/Berlin')).toBe('Mon, 15 Mar 2027, 14:00 CET');
    expect(formatInZone(at, 'America/New_York')).toMatch(/^Mon, 15 Mar 2027, 09:00 (EDT|GMT-4)$/);
  });
  it('falls back to UTC for an unknown zone', () => {
    expect(formatInZone('2027-03-15T13:00:00Z', 'Mars/Olympus')).toBe('Mon, 15 Mar 2027, 13:00 UTC');
  });
});
