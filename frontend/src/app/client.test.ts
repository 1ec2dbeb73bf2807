import { CombinedError } from 'urql';
import { describe, expect, it } from 'vitest';
import { errorMessage, isUnauthenticated, signInURL } from './client';

describe('signInURL', () => {
  it('returns to the given path', () => {
    expect(signInURL('/posts/42?x=1')).toBe('/auth/login?return_to=%2Fposts%2F42%3Fx%3D1');
  });
});

describe('isUnauthenticated', () => {
  it('recognises the API code', () => {
    const e = new CombinedError({ graphQLErrors: [{ message: 'sign in first', extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(isUnauthenticated(e)).toBe(true);
    expect(errorMessage(e, 'x')).toBe('sign in first');
  });
  it('leaves other errors alone', () => {
    const e = new CombinedError({ graphQLErrors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] });
    expect(isUnauthenticated(e)).toBe(false);
    expect(isUnauthenticated(undefined)).toBe(false);
  });
  it('words network failures for people', () => {
    expect(errorMessage(new CombinedError({ networkError: new Error('Failed to fetch') }), 'Offline.')).toBe('Offline.');
  });
});
