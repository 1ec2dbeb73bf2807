// Starts the server, writes the data the journeys need that the demo data lacks, and stops the
// server after the run.
import { approvedPost, eventually, gql } from './api';
import { startServer } from './server';

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

export default async function globalSetup() {
  const server = await startServer();
  process.env.E2E_BASE_URL = server.url;
  process.env.E2E_ADDR = server.addr;
  try {
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
