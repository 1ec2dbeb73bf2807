// What the reviewer journeys set up through the API: brand channels, posts in review with several
// versions and a publication plan, edits by the marketer, the sign-on policy.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gql } from './api';
import { root } from './server';

const marketer = 'marketer@example.com';
const admin = 'admin@example.com';

/** Post content the demo routing sends to legal: a price and a performance claim. */
export function pricedContent(title: string, body: string) {
  return { title, body, link: 'https://example.com/teams', channels: ['linkedin', 'x'], tags: ['launch'] };
}

/** The demo organization's LinkedIn and X brand channels (created once). */
export async function brandChannels(): Promise<string[]> {
  const wanted = [
    { platform: 'LINKEDIN', name: 'Example Corp', credentials: [{ key: 'access_token', value: 'e2e' }, { key: 'organization_id', value: '1234' }] },
    { platform: 'X', name: '@examplecorp', credentials: [{ key: 'access_token', value: 'e2e' }, { key: 'user_id', value: '5678' }] },
  ];
  const { channels } = await gql(admin, `{ channels { id name } }`);
  const ids: string[] = [];
  for (const w of wanted) {
    const have = channels.find((c: { name: string }) => c.name === w.name);
    if (have) ids.push(have.id);
    else ids.push((await gql(admin, `mutation($i: ChannelInput!) { createChannel(input: $i) { id } }`, { i: w })).createChannel.id);
  }
  return ids;
}

/** Creates a post as the marketer, saves each further body as a new version, and submits it. */
export async function postInReview(title: string, bodies: string[], schedule?: { at: string; timeZone: string }): Promise<string> {
  const { createPost } = await gql(marketer, `mutation($c: PostContentInput!) { createPost(content: $c) { id } }`, { c: pricedContent(title, bodies[0]) });
  const id = createPost.id as string;
  for (const body of bodies.slice(1)) await edit(id, title, body);
  if (schedule) {
    await gql(marketer, `mutation($i: SchedulePostInput!) { schedulePost(input: $i) { timeZone } }`, {
      i: { postId: id, channelIds: await brandChannels(), at: schedule.at, timeZone: schedule.timeZone },
    });
  }
  await gql(marketer, `mutation($id: ID!) { submitPost(id: $id) { id } }`, { id });
  return id;
}

async function edit(id: string, title: string, body: string) {
  await gql(marketer, `mutation($id: ID!, $c: PostContentInput!) { updatePost(id: $id, content: $c) { id } }`, { id, c: pricedContent(title, body) });
}

/** The marketer's answer to a request for changes: a new version, submitted again. */
export async function reviseAndSubmit(id: string, title: string, body: string) {
  await edit(id, title, body);
  await gql(marketer, `mutation($id: ID!) { submitPost(id: $id) { id } }`, { id });
}

/** The marketer edits a post that is in review: withdraw, save a new version, submit again. */
export async function editWhileInReview(id: string, title: string, body: string) {
  await gql(marketer, `mutation($id: ID!) { withdrawPost(id: $id, reason: "one more fix") { id } }`, { id });
  await reviseAndSubmit(id, title, body);
}

export type PostState = { state: string; currentVersion: { number: number }; decisions: { kind: string; reviewer: { email: string }; versionId: string }[] };

export async function postState(id: string): Promise<PostState> {
  const { post } = await gql(marketer, `query($id: ID!) { post(id: $id) { state currentVersion { number } decisions { kind versionId reviewer { email } } } }`, { id });
  return post;
}

/** Sets the organization's step-up window (null: none), keeping its e-mail domains. */
/** The step-up journey's reviewer, signed in by global setup long before the journey runs. */
export const stepUpReviewer = 'Lena Legal';

/** Where global setup keeps that sign-in's browser state for a project (and, in <file>.at, its time). */
export function stepUpSession(project: string) {
  return join(root, 'frontend/e2e/.output', `step-up-${project}.json`);
}

/** When global setup signed the step-up reviewer in for a project (ms since the epoch). */
export function stepUpSignedInAt(project: string) {
  return Number(readFileSync(`${stepUpSession(project)}.at`, 'utf8'));
}

export async function setStepUp(minutes: number | null) {
  const { signOnPolicy } = await gql(admin, `{ signOnPolicy { emailDomains } }`);
  await gql(admin, `mutation($i: SignOnPolicyInput!) { setSignOnPolicy(input: $i) { stepUpMinutes } }`, {
    i: { emailDomains: signOnPolicy.emailDomains, stepUpMinutes: minutes },
  });
}
