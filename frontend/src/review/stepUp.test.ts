import { CombinedError } from 'urql';
import { GraphQLError } from 'graphql';
import { beforeEach, describe, expect, it } from 'vitest';
import { isConflict, isStepUpRequired, savePendingDecision, stepUpURL, takePendingDecision } from './stepUp';

const refusal = (extensions: Record<string, unknown>) => new CombinedError({ graphQLErrors: [new GraphQLError('refused', { extensions })] });

describe('step-up', () => {
  beforeEach(() => sessionStorage.clear());

  it('recognizes the refusal a fresh sign-in lifts, and only that', () => {
    expect(isStepUpRequired(refusal({ code: 'FORBIDDEN', reason: 'STEP_UP_REQUIRED' }))).toBe(true);
    expect(isStepUpRequired(refusal({ code: 'FORBIDDEN' }))).toBe(false);
    expect(isConflict(refusal({ code: 'CONFLICT' }))).toBe(true);
    expect(isConflict(undefined)).toBe(false);
  });

  it('signs in again with a way back to the same decision', () => {
    const url = stepUpURL('/posts/p1', 'APPROVE');
    expect(url.startsWith('/auth/login?step_up=1&return_to=')).toBe(true);
    expect(decodeURIComponent(url.split('return_to=')[1])).toBe('/posts/p1?decide=approve');
  });

  it('resumes the kept decision once, with its comment', () => {
    savePendingDecision({ postId: 'p1', versionId: 'v2', kind: 'REJECT', comment: 'Not on brand.' });
    expect(takePendingDecision('p1', 'reject')).toEqual({ postId: 'p1', versionId: 'v2', kind: 'REJECT', comment: 'Not on brand.' });
    // Taken: a reload does not reopen it with the comment.
    expect(takePendingDecision('p1', 'reject')).toEqual({ postId: 'p1', versionId: '', kind: 'REJECT', comment: '' });
  });

  it('ignores a decision kept for another post or kind', () => {
    savePendingDecision({ postId: 'p1', versionId: 'v2', kind: 'APPROVE', comment: 'ok' });
    expect(takePendingDecision('p2', 'approve')?.comment).toBe('');
    savePendingDecision({ postId: 'p1', versionId: 'v2', kind: 'APPROVE', comment: 'ok' });
    expect(takePendingDecision('p1', 'request-changes')).toMatchObject({ kind: 'REQUEST_CHANGES', comment: '' });
    expect(takePendingDecision('p1', null)).toBeNull();
    expect(takePendingDecision('p1', 'delete-everything')).toBeNull();
  });
});
