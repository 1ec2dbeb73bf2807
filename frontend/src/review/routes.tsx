// The reviewer's side of the web app. Add reviewer pages here: a lazy page per route in
// reviewRoutes (they render inside the shell, behind RequireRole) and, for pages that belong in
// the navigation, an entry in reviewNav. app/routes.tsx mounts both; nothing else needs to change.
//
// /posts/:id is the page the server's notification e-mails link to. For reviewers it is the review
// page (ReviewPage, rendered by PostRoute in app/routes.tsx); everyone else, and a reviewer asking
// for ?view=share, gets the employee's post page (feed/PostPage.tsx).
import { lazy } from 'react';
import type { RouteObject } from 'react-router';
import type { NavItem } from '../app/nav';
import { m } from '../app/messages';
import type { Role } from '../gql/graphql';
import { QueueBadge } from './QueueBadge';

export const reviewers: Role[] = ['REVIEWER'];

const QueuePage = lazy(() => import('./QueuePage'));
export const ReviewPage = lazy(() => import('./ReviewPage'));

export const reviewRoutes: (RouteObject & { roles: Role[] })[] = [{ path: '/queue', element: <QueuePage />, roles: reviewers }];

export const reviewNav: NavItem[] = [{ to: '/queue', label: m.nav.queue, roles: reviewers, badge: QueueBadge }];
