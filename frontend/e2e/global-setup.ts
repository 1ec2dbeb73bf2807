// Starts the server, writes the data the journeys need that the demo data lacks, and stops the
// server after the run.
import { chromium, type FullConfig } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { approvedPost, eventually, gql } from './api';
import { startServer } from './server';
import { stepUpReviewer, stepUpSession } from './review';

export const lockedPost = {
  title: 'Quarterly results',
  body: 'Revenue grew 40% this quarter. Read the letter to shareholders.',
  link: 'https://example.com/investors/q3',
  tags: ['results'],
  channels: ['linkedin', 'x'],
  shareText: 'Our Q3 results are out: revenue up 40%.',
  shareTextEditable: false,
};

export const restrictedPost = {
  title: 'Kubernetes migration retrospective',
  body: 'How the platform team moved every service to Kubernetes without downtime.',
  link: 'https://example.com/engineering/kubernetes',
  tags: ['engineering'],
  channels: ['linkedin'],
  shareText: 'Our platform team moved everything to Kubernetes. Worth a read!',
  shareTextEditable: true,
};

/**
 * Signs the step-up journey's reviewer in now, once per project, and keeps each browser session:
 * the journey needs a sign-in older than the shortest step-up window (a minute), which the other
 * journeys' run gives it instead of a minute's wait.
 */
async function signInStepUpReviewer(config: FullConfig, baseURL: string) {
  const browser = await chromium.launch(config.projects[0].use.launchOptions);
  try {
    for (const project of config.projects) {
      const context = await browser.newContext({ baseURL, userAgent: project.use.userAgent });
      const page = await context.newPage();
      await page.goto('/queue');
      await page.waitForURL(/\/dev\/oidc\//);
      await page.getByRole('button', { name: new RegExp(stepUpReviewer) }).click();
      await page.waitForURL(/\/queue$/);
      const file = stepUpSession(project.name);
      mkdirSync(dirname(file), { recursive: true });
      await context.storageState({ path: file });
      writeFileSync(`${file}.at`, String(Date.now()));
      await context.close();
    }
  } finally {
    await browser.close();
  }
}

export default async function globalSetup(config: FullConfig) {
  const server = await startServer();
  process.env.E2E_BASE_URL = server.url;
  process.env.E2E_ADDR = server.addr;
  try {
    await signInStepUpReviewer(config, server.url);
    const marketer = 'marketer@example.com';
    const { boards } = await gql(marketer, `{ boards { edges { node { id name } } } }`);
    const news = boards.edges.find((e: any) => e.node.name === 'Company news').node.id as string;
    const { createBoard } = await gql(
      marketer,
      `mutation($i: BoardInput!) { createBoard(input: $i) { id } }`,
      { i: { name: 'Engineering only', description: 'For the engineering department.', audience: { everyone: false, departments: ['Engineering'] } } },
    );
    process.env.E2E_LOCKED_POST = await approvedPost([news], lockedPost);
    process.env.E2E_RESTRICTED_POST = await approvedPost([createBoard.id], restrictedPost);
    // Search indexing runs in the worker: wait until both posts are found.
    for (const word of ['kubernetes', 'quarterly', 'hiring']) {
      await eventually(`search index (${word})`, async () => {
        const { search } = await gql('priya@example.com', `query($t: String!) { search(text: $t) { total } }`, { t: word });
        return search.total > 0;
      });
    }
  } catch (e) {
    await server.stop();
    throw e;
  }
  return async () => server.stop();
}
