// The GraphQL API as scripts use it: Bearer ID tokens from `clearpost dev token EMAIL`.
import { execFileSync } from 'node:child_process';
import { binary } from './server';

const tokens = new Map<string, string>();

export function token(email: string): string {
  let t = tokens.get(email);
  if (!t) {
    const addr = new URL(baseURL()).host;
    t = execFileSync(binary, ['dev', 'token', email], { env: { ...process.env, CLEARPOST_HTTP_ADDR: addr } }).toString().trim();
    tokens.set(email, t);
  }
  return t;
}

export function baseURL(): string {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error('E2E_BASE_URL is not set: run the journeys with `npm run e2e`');
  return url;
}

type GQLError = { message: string; extensions?: { code?: string } };
export type GQLResult<T> = { data?: T; errors?: GQLError[] };

export async function gqlRaw<T = Record<string, unknown>>(email: string, query: string, variables: Record<string, unknown> = {}): Promise<GQLResult<T>> {
  const r = await fetch(`${baseURL()}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token(email)}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await r.json()) as GQLResult<T>;
}

export async function gql<T = Record<string, any>>(email: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const r = await gqlRaw<T>(email, query, variables);
  if (r.errors?.length) throw new Error(`${email}: ${r.errors.map((e) => e.message).join('; ')}\n${query}`);
  return r.data as T;
}

const reviewers = ['legal@example.com', 'compliance@example.com', 'brand@example.com'];

/** Creates a post as the marketer, aims it at boards, submits it and approves every stage. */
export async function approvedPost(boardIds: string[], content: Record<string, unknown>): Promise<string> {
  const marketer = 'marketer@example.com';
  const { createPost } = await gql(marketer, `mutation($c: PostContentInput!) { createPost(content: $c) { id } }`, { c: content });
  const id = createPost.id as string;
  await gql(marketer, `mutation($id: ID!, $b: [ID!]!) { targetBoards(postId: $id, boardIds: $b) { id } }`, { id, b: boardIds });
  await gql(marketer, `mutation($id: ID!) { submitPost(id: $id) { id } }`, { id });
  for (let round = 0; round < 10; round++) {
    for (const r of reviewers) {
      const { post } = await gql(r, `query($id: ID!) { post(id: $id) { state currentVersion { id } } }`, { id });
      if (post.state === 'APPROVED') return id;
      const res = await gqlRaw(r, `mutation($i: DecisionInput!) { approvePost(input: $i) { post { state } } }`, {
        i: { postId: id, versionId: post.currentVersion.id, comment: 'Fine.' },
      });
      const code = res.errors?.[0]?.extensions?.code;
      if (res.errors && code !== 'FORBIDDEN' && code !== 'CONFLICT') throw new Error(`approve as ${r}: ${res.errors[0].message}`);
    }
  }
  throw new Error(`post ${id} did not reach APPROVED`);
}

/** Polls fn until it returns a truthy value or the deadline passes (the worker is asynchronous). */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 100;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 1000);
  }
}
