import { lazy, type ReactNode } from 'react';
import { Navigate, useSearchParams, type RouteObject } from 'react-router';
import type { Role } from '../gql/graphql';
import { ReviewPage, reviewRoutes, reviewers } from '../review/routes';
import { NotFound } from './Forbidden';
import { advocates } from './nav';
import { hasRole, RequireRole, useMe } from './session';
import { Shell } from './Shell';
// The feed is the first page most people open: it ships in the first chunk, so its query goes out
// as soon as the session is known (a lazy page would wait for its chunk and Suspense's delay).
import FeedPage from '../feed/FeedPage';

// Every other page is its own chunk, loaded when first visited (the shell stays in the first one).
const PostPage = lazy(() => import('../feed/PostPage'));
const SearchPage = lazy(() => import('../search/SearchPage'));
const MySharesPage = lazy(() => import('../share/MySharesPage'));
const LeaderboardPage = lazy(() => import('../share/LeaderboardPage'));
const NotificationsPage = lazy(() => import('../notifications/NotificationsPage'));
const PreferencesPage = lazy(() => import('../notifications/PreferencesPage'));

const guard = (roles: Role[], element: ReactNode) => <RequireRole roles={roles}>{element}</RequireRole>;

/** Where "/" leads: the feed for those who share, the queue for reviewers. */
function Home() {
  const me = useMe();
  if (hasRole(me, ...advocates)) return <Navigate to="/feed" replace />;
  if (hasRole(me, ...reviewers)) return <Navigate to="/queue" replace />;
  return <Navigate to="/notifications" replace />;
}

/** /posts/:id, the page notification e-mails link to: the review page for reviewers (see review/routes.tsx). */
function PostRoute() {
  const me = useMe();
  const [params] = useSearchParams();
  if (hasRole(me, ...reviewers) && params.get('view') !== 'share') return <ReviewPage />;
  return <PostPage />;
}

export const routes: RouteObject[] = [
  {
    element: <Shell />,
    children: [
      { path: '/', element: <Home /> },
      { path: '/feed', element: guard(advocates, <FeedPage />) },
      { path: '/posts/:id', element: <PostRoute /> },
      { path: '/search', element: guard(advocates, <SearchPage />) },
      { path: '/shares', element: guard(advocates, <MySharesPage />) },
      { path: '/leaderboard', element: guard(advocates, <LeaderboardPage />) },
      { path: '/notifications', element: <NotificationsPage /> },
      { path: '/notifications/settings', element: <PreferencesPage /> },
      ...reviewRoutes.map(({ roles, element, ...route }) => ({ ...route, element: guard(roles, element) })),
      { path: '*', element: <NotFound /> },
    ],
  },
];
