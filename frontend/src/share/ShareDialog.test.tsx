import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { Provider, type Client } from 'urql';
import { describe, expect, it, vi } from 'vitest';
import { fromValue } from 'wonka';
import type { PostCardFragment } from '../gql/graphql';
import ShareDialog from './ShareDialog';

function post(editable: boolean): PostCardFragment {
  return {
    __typename: 'Post',
    id: 'p1',
    title: 'Hiring',
    state: 'APPROVED',
    shareCount: 0,
    clickCount: 0,
    currentVersion: {
      __typename: 'PostVersion',
      id: 'v1',
      content: {
        __typename: 'PostContent',
        title: 'Hiring',
        body: 'We are hiring.',
        link: 'https://example.com/careers',
        media: [],
        tags: [],
        shareText: 'My team is hiring. Join us!',
        shareTextEditable: editable,
      },
    },
  };
}

function setup(editable: boolean, needApproval = false) {
  const executeMutation = vi.fn(() =>
    fromValue({
      data: {
        sharePost: {
          __typename: 'Share',
          id: 's1',
          network: 'X',
          text: 'x',
          edited: true,
          status: needApproval ? 'PENDING_APPROVAL' : 'OPENED',
          statusReason: '',
          trackedUrl: 'http://localhost/s/abc',
          intentUrl: needApproval ? null : 'https://x.com/intent/tweet?text=x',
          scheduleAt: null,
          clicks: 0,
          createdAt: '2026-01-01T00:00:00Z',
          post: { __typename: 'Post', id: 'p1', shareCount: 1 },
        },
      },
    }),
  );
  const client = {
    executeQuery: () => fromValue({ data: { shareEditsNeedApproval: needApproval, connectedAccounts: [] } }),
    executeMutation,
    executeSubscription: () => fromValue({}),
  } as unknown as Client;
  const wrap = (ui: ReactNode) => (
    <MantineProvider>
      <Provider value={client}>{ui}</Provider>
    </MantineProvider>
  );
  render(wrap(<ShareDialog post={post(editable)} suggestedText={[]} opened onClose={() => {}} />));
  return { executeMutation };
}

describe('ShareDialog', () => {
  it('shows a locked text read-only and shares it as suggested', async () => {
    const { executeMutation } = setup(false);
    expect(screen.queryByRole('textbox', { name: 'Share text' })).toBeNull();
    expect(screen.getByText(/text is locked/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Get my tracked link' }));
    const vars = (executeMutation.mock.calls[0] as unknown as [{ variables: { text: string | null } }])[0].variables;
    expect(vars.text).toBeNull();
    expect(await screen.findByRole('textbox', { name: 'Your tracked link' })).toHaveValue('http://localhost/s/abc');
  });

  it('counts an edited X text with the link, and says when it needs approval', async () => {
    setup(true, true);
    await userEvent.click(screen.getByText('X'));
    const text = screen.getByRole('textbox', { name: 'Share text' });
    await userEvent.clear(text);
    await userEvent.type(text, 'Join us 🎉');
    expect(screen.getByLabelText('34 of 280 characters, as X counts them')).toBeInTheDocument();
    expect(screen.getByText(/reviewed before they go out/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Get my tracked link' }));
    expect(await screen.findByText(/waits for approval/)).toBeInTheDocument();
  });

  it('refuses an X text over the limit', async () => {
    setup(true);
    await userEvent.click(screen.getByText('X'));
    const text = screen.getByRole('textbox', { name: 'Share text' });
    await userEvent.clear(text);
    await userEvent.click(text);
    await userEvent.paste('a'.repeat(257));
    expect(screen.getByText('1 too many for X.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Get my tracked link' })).toBeDisabled();
  });
});
