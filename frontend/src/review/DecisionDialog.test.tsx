import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { GraphQLError } from 'graphql';
import { Provider, CombinedError, type Client } from 'urql';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fromValue } from 'wonka';
import { browser, DecisionDialog, type Deciding } from './DecisionDialog';
import type { ReviewPost } from './ReviewPage';

const post = {
  id: 'p1',
  currentVersion: { id: 'v2', number: 2 },
  versions: [
    { id: 'v1', number: 1 },
    { id: 'v2', number: 2 },
  ],
  review: { versionId: 'v2' },
} as unknown as ReviewPost;

const refusal = (extensions: Record<string, unknown>, message = 'refused') => ({
  error: new CombinedError({ graphQLErrors: [new GraphQLError(message, { extensions })] }),
});

function setup(answer: Record<string, unknown>, deciding: Deciding) {
  const executeMutation = vi.fn(() => fromValue(answer));
  const client = { executeQuery: () => fromValue({}), executeMutation, executeSubscription: () => fromValue({}) } as unknown as Client;
  const onDone = vi.fn();
  const onConflict = vi.fn();
  render(
    <MantineProvider>
      <Provider value={client}>
        <DecisionDialog post={post} deciding={deciding} returnPath="/posts/p1" onClose={() => {}} onDone={onDone} onConflict={onConflict} />
      </Provider>
    </MantineProvider>,
  );
  const input = () => (executeMutation.mock.calls[0] as unknown as [{ variables: { input: Record<string, unknown> } }])[0].variables.input;
  return { executeMutation, onDone, onConflict, input };
}

describe('DecisionDialog', () => {
  const assign = vi.spyOn(browser, 'assign').mockImplementation(() => {});
  beforeEach(() => sessionStorage.clear());
  afterEach(() => assign.mockClear());

  it('requires a comment to request changes', async () => {
    const { executeMutation, onDone, input } = setup({ data: { requestChanges: { decision: { id: 'd' }, post: { id: 'p1', state: 'CHANGES_REQUESTED' } } } }, { kind: 'REQUEST_CHANGES', comment: '' });
    await userEvent.click(screen.getByRole('button', { name: 'Request changes' }));
    expect(screen.getByText('Tell the author why: a comment is required.')).toBeInTheDocument();
    expect(executeMutation).not.toHaveBeenCalled();
    await userEvent.type(screen.getByRole('textbox', { name: /Comment/ }), 'Source?');
    await userEvent.click(screen.getByRole('button', { name: 'Request changes' }));
    expect(input()).toEqual({ postId: 'p1', versionId: 'v2', comment: 'Source?' });
    expect(onDone).toHaveBeenCalledWith('REQUEST_CHANGES');
  });

  it('keeps the decision and sends the reviewer to a fresh sign-in when step-up is required', async () => {
    setup(refusal({ code: 'FORBIDDEN', reason: 'STEP_UP_REQUIRED' }), { kind: 'APPROVE', comment: '' });
    await userEvent.type(screen.getByRole('textbox', { name: /Comment/ }), 'Fine by legal.');
    await userEvent.click(screen.getByRole('button', { name: 'Approve' }));
    expect(assign).toHaveBeenCalledWith('/auth/login?step_up=1&return_to=' + encodeURIComponent('/posts/p1?decide=approve'));
    expect(JSON.parse(sessionStorage.getItem('clearpost.pendingDecision')!)).toEqual({ postId: 'p1', versionId: 'v2', kind: 'APPROVE', comment: 'Fine by legal.' });
    expect(screen.getByText(/asks for a recent sign-in/)).toBeInTheDocument();
  });

  it('resumes with the kept comment and the version it was made on', async () => {
    const { input, onDone } = setup({ data: { approvePost: { decision: { id: 'd' }, post: { id: 'p1', state: 'IN_REVIEW' } } } }, { kind: 'APPROVE', comment: 'Fine by legal.', versionId: 'v1', resumed: true });
    expect(screen.getByText('Welcome back: confirm your decision.')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: /Comment/ })).toHaveValue('Fine by legal.');
    expect(screen.getByRole('dialog', { name: 'Approve version 1' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Approve' }));
    expect(input()).toEqual({ postId: 'p1', versionId: 'v1', comment: 'Fine by legal.' });
    expect(onDone).toHaveBeenCalledWith('APPROVE');
  });

  it('hands a stale version back to the page, naming the version read', async () => {
    const { onConflict, onDone } = setup(refusal({ code: 'CONFLICT' }, 'stale decision'), { kind: 'APPROVE', comment: '' });
    await userEvent.click(screen.getByRole('button', { name: 'Approve' }));
    expect(onConflict).toHaveBeenCalledWith(2, 'stale decision');
    expect(onDone).not.toHaveBeenCalled();
    expect(assign).not.toHaveBeenCalled();
  });

  it('shows any other refusal in place', async () => {
    setup(refusal({ code: 'FORBIDDEN' }, 'authors cannot decide on their own post'), { kind: 'REJECT', comment: 'No.' });
    await userEvent.click(screen.getByRole('button', { name: 'Reject' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('authors cannot decide on their own post');
  });
});
