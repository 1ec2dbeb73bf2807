import { describe, expect, it } from 'vitest';
import { visibleNav } from './nav';

describe('visibleNav', () => {
  const labels = (roles: Parameters<typeof visibleNav>[0]) => visibleNav(roles).map((i) => i.to);
  it('shows an employee the sharing pages only', () => {
    expect(labels(['EMPLOYEE'])).toEqual(['/feed', '/search', '/shares', '/leaderboard']);
  });
  it('shows a reviewer the queue only', () => {
    expect(labels(['REVIEWER'])).toEqual(['/queue']);
  });
  it('shows both to someone with both roles', () => {
    expect(labels(['EMPLOYEE', 'REVIEWER'])).toContain('/queue');
    expect(labels(['EMPLOYEE', 'REVIEWER'])).toContain('/feed');
  });
});
