import { createContext, useContext, type ReactNode } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import type { MeQuery, Role } from '../gql/graphql';
import { QueryError } from '../ui/QueryState';
import { FullPageLoader } from '../ui/FullPageLoader';
import { isUnauthenticated } from './client';
import { Forbidden } from './Forbidden';
import { m } from './messages';

const meQuery = graphql(`
  query Me {
    me {
      id
      email
      name
      roles
      groups
      department
      region
    }
  }
`);

export type Me = MeQuery['me'];

const SessionContext = createContext<Me | null>(null);

/** The signed-in user; only inside <Session>. */
export function useMe(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useMe outside <Session>');
  return me;
}

export function hasRole(me: Pick<Me, 'roles'>, ...roles: Role[]): boolean {
  return roles.some((r) => me.roles.includes(r));
}

/** Loads the signed-in user before anything else renders; without a session, goes to sign-in. */
export function Session({ children }: { children: ReactNode }) {
  const [{ data, error }, refetch] = useQuery({ query: meQuery, requestPolicy: 'cache-first' });
  if (data) return <SessionContext.Provider value={data.me}>{children}</SessionContext.Provider>;
  if (isUnauthenticated(error)) return <FullPageLoader label={m.app.signingIn} />;
  if (error)
    return (
      <main style={{ maxWidth: 560, margin: '4rem auto', padding: '0 1rem' }}>
        <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      </main>
    );
  return <FullPageLoader label={m.app.loading} />;
}

/** Renders children for users with one of roles, else a short explanation. */
export function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const me = useMe();
  if (hasRole(me, ...roles)) return <>{children}</>;
  return <Forbidden />;
}
