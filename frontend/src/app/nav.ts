import type { ComponentType } from 'react';
import type { Role } from '../gql/graphql';
import { reviewNav } from '../review/routes';
import { m } from './messages';

/** badge: shown after the label (e.g. a count), part of the link's name. */
export type NavItem = { to: string; label: string; roles: Role[]; badge?: ComponentType };

/** Who shares posts: employees, and the marketers and admins who are employees too. */
export const advocates: Role[] = ['EMPLOYEE', 'MARKETER', 'ADMIN'];

export const employeeNav: NavItem[] = [
  { to: '/feed', label: m.nav.feed, roles: advocates },
  { to: '/search', label: m.nav.search, roles: advocates },
  { to: '/shares', label: m.nav.myShares, roles: advocates },
  { to: '/leaderboard', label: m.nav.leaderboard, roles: advocates },
];

/** The navigation a user with these roles sees. */
export function visibleNav(roles: readonly Role[]): NavItem[] {
  return [...employeeNav, ...reviewNav].filter((item) => item.roles.some((r) => roles.includes(r)));
}
