import { createClient as createWSClient } from 'graphql-ws';
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange, type CombinedError } from 'urql';

/** Where the browser signs in, coming back to `path` (default: where it is now). */
export function signInURL(path = window.location.pathname + window.location.search + window.location.hash): string {
  return '/auth/login?return_to=' + encodeURIComponent(path);
}

/** Whether the API refused the request because nobody is signed in (or the session ended). */
export function isUnauthenticated(error: CombinedError | undefined): boolean {
  if (!error) return false;
  if (error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) return true;
  const response = error.response as Response | undefined;
  return response?.status === 401;
}

let redirecting = false;

/** Sends the browser to sign-in once; the session's end returns the user to where they were. */
export function redirectToSignIn(): void {
  if (redirecting) return;
  redirecting = true;
  window.location.assign(signInURL());
}

/**
 * The GraphQL client: same origin, the session cookie (the server checks that cookie requests come
 * from its own origin), subscriptions over graphql-ws at /graphql on the same host.
 */
export function newClient(onUnauthenticated: () => void = redirectToSignIn): Client {
  const ws = createWSClient({
    url: `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/graphql`,
    lazy: true,
    retryAttempts: 20,
    shouldRetry: () => true,
  });
  return new Client({
    url: '/graphql',
    fetchOptions: { credentials: 'same-origin', headers: { Accept: 'application/graphql-response+json, application/json' } },
    requestPolicy: 'cache-and-network',
    exchanges: [
      mapExchange({
        onError(error) {
          if (isUnauthenticated(error)) onUnauthenticated();
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}

/** The message to show for an API error: the server's own words, or what went wrong on the way. */
export function errorMessage(error: CombinedError, fallback: string): string {
  if (error.graphQLErrors.length > 0) return error.graphQLErrors.map((e) => e.message).join(' ');
  return error.networkError ? fallback : error.message;
}
