import { MantineProvider } from '@mantine/core';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { getOperationName } from '@urql/core';
import type { DocumentNode } from 'graphql';
import { MemoryRouter, useLocation } from 'react-router';
import { CombinedError, Provider, type Client, type Operation } from 'urql';
import { describe, expect, it } from 'vitest';
import { fromValue, make } from 'wonka';
import { Session } from '../app/session';
import SearchPage from './SearchPage';

const me = { __typename: 'User', id: 'u1', email: 'eve@example.com', name: 'Eve', roles: ['EMPLOYEE'], groups: [], department: '', region: '' };

function hit(id: string, title: string) {
  return {
    __typename: 'SearchEdge',
    cursor: '',
    node: {
      __typename: 'SearchHit',
      score: 1,
      title: `<mark>${title}</mark>`,
      snippet: `About ${title}.`,
      boards: [{ __typename: 'Board', id: 'b1', name: 'Everyone' }],
      post: {
        __typename: 'Post',
        id,
        title,
        state: 'APPROVED',
        shareCount: 0,
        clickCount: 0,
        currentVersion: {
          __typename: 'PostVersion',
          id: `${id}v`,
          content: { __typename: 'PostContent', title, body: '', link: null, media: [], tags: [], shareText: '', shareTextEditable: false },
        },
      },
    },
  };
}

function answer(...hits: ReturnType<typeof hit>[]) {
  return {
    search: {
      __typename: 'SearchConnection',
      total: hits.length,
      boardFacets: [{ __typename: 'BoardFacet', count: hits.length, board: { __typename: 'Board', id: 'b1', name: 'Everyone' } }],
      tagFacets: [],
      edges: hits,
      pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
    },
  };
}

type Pending = { text: string; torn: boolean; respond: (data: unknown) => void; fail: (message: string) => void };

/** A client whose Search requests wait until the test answers them, and which records their teardown. */
function setup() {
  const searches: Pending[] = [];
  const client = {
    executeQuery(op: Operation) {
      const name = getOperationName(op.query as DocumentNode);
      if (name === 'Me') return fromValue({ operation: op, data: { me }, stale: false, hasNext: false });
      return make((observer) => {
        const p: Pending = {
          text: (op.variables as { text: string }).text,
          torn: false,
          respond: (data) => {
            if (!p.torn) observer.next({ operation: op, data, error: undefined, stale: false, hasNext: false });
          },
          fail: (message) => {
            if (!p.torn) observer.next({ operation: op, data: undefined, error: new CombinedError({ graphQLErrors: [message] }), stale: false, hasNext: false });
          },
        };
        searches.push(p);
        return () => {
          p.torn = true;
        };
      });
    },
    executeMutation: () => fromValue({}),
    executeSubscription: () => fromValue({}),
  } as unknown as Client;
  let location = '';
  function Where() {
    const l = useLocation();
    location = l.search;
    return null;
  }
  render(
    <MantineProvider>
      <Provider value={client}>
        <MemoryRouter initialEntries={['/search']}>
          <Session>
            <SearchPage />
            <Where />
          </Session>
        </MemoryRouter>
      </Provider>
    </MantineProvider>,
  );
  // urql subscribes to a query once while rendering (to read a cached answer, torn down at once)
  // and again after, to stay: a text's live subscription, else its last one.
  const lastFor = (text: string) => {
    const all = searches.filter((s) => s.text === text);
    return all.filter((s) => !s.torn).at(-1) ?? all.at(-1)!;
  };
  const texts = () => [...new Set(searches.map((s) => s.text))];
  return { searches, texts, lastFor, location: () => location };
}

describe('SearchPage', () => {
  it('asks at each keystroke, drops the superseded request, and shows only the latest text’s results', async () => {
    const { searches, texts, lastFor, location } = setup();
    const box = await screen.findByRole('searchbox', { name: 'Search posts' });
    await userEvent.type(box, 'hi');

    // No pause before asking: one request per text typed, the first one torn down (its fetch aborted).
    await waitFor(() => expect(texts()).toEqual(['h', 'hi']));
    expect(searches.filter((s) => s.text === 'h').every((s) => s.torn)).toBe(true);
    await waitFor(() => expect(lastFor('hi').torn).toBe(false));
    // The URL follows once typing pauses, with the whole text (never a text on the way).
    expect(location()).toBe('');
    await waitFor(() => expect(location()).toBe('?q=hi'));

    // The superseded answer arriving late paints nothing.
    act(() => lastFor('h').respond(answer(hit('p0', 'Stale'))));
    expect(screen.queryByRole('article', { name: 'Stale' })).toBeNull();
    expect(screen.getByRole('status')).toBeInTheDocument();

    act(() => lastFor('hi').respond(answer(hit('p1', 'Hiring'))));
    expect(await screen.findByRole('heading', { name: '1 post' })).toBeInTheDocument();
    const article = screen.getByRole('article', { name: 'Hiring' });
    expect(within(article).getByText('Hiring', { selector: 'mark' })).toBeInTheDocument();
    expect(within(article).getByRole('link', { name: 'Hiring' })).toHaveAttribute('href', '/posts/p1');
    expect(within(article).getByRole('button', { name: 'Share “Hiring”' })).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'Everyone (1)' })).toBeInTheDocument();
    expect(document.querySelector('[aria-busy="true"]')).toBeNull();
  });

  it('writes the text into the URL at once when the box loses focus', async () => {
    const { location } = setup();
    const box = await screen.findByRole('searchbox', { name: 'Search posts' });
    await userEvent.type(box, 'hiring');
    expect(location()).toBe('');
    await userEvent.tab();
    expect(location()).toBe('?q=hiring');
  });

  it('keeps the previous results on the page, marked busy, until the next text’s arrive', async () => {
    const { texts, lastFor } = setup();
    const box = await screen.findByRole('searchbox', { name: 'Search posts' });
    await userEvent.type(box, 'q');
    await waitFor(() => expect(texts()).toEqual(['q']));
    act(() => lastFor('q').respond(answer(hit('p1', 'Quarterly results'))));
    expect(await screen.findByRole('article', { name: 'Quarterly results' })).toBeInTheDocument();

    await userEvent.type(box, 'u');
    await waitFor(() => expect(texts()).toEqual(['q', 'qu']));
    expect(screen.getByRole('article', { name: 'Quarterly results' })).toBeInTheDocument();
    await waitFor(() => expect(document.querySelector('[aria-busy="true"]')).not.toBeNull());

    act(() => lastFor('qu').respond(answer()));
    expect(await screen.findByRole('heading', { name: 'No posts match “qu”.' })).toBeInTheDocument();
    expect(screen.queryByRole('article', { name: 'Quarterly results' })).toBeNull();
    expect(document.querySelector('[aria-busy="true"]')).toBeNull();
  });

  it('shows an error for the text it belongs to only', async () => {
    const { texts, lastFor } = setup();
    const box = await screen.findByRole('searchbox', { name: 'Search posts' });
    await userEvent.type(box, 'a');
    await waitFor(() => expect(texts()).toEqual(['a']));
    act(() => lastFor('a').fail('search is unavailable'));
    expect(await screen.findByRole('alert')).toHaveTextContent('search is unavailable');

    await userEvent.type(box, 'b');
    await waitFor(() => expect(texts()).toEqual(['a', 'ab']));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    act(() => lastFor('ab').respond(answer(hit('p1', 'About'))));
    expect(await screen.findByRole('article', { name: 'About' })).toBeInTheDocument();
  });
});
