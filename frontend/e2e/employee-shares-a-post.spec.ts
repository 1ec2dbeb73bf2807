import { expect, test } from '@playwright/test';
import { personUserAgent } from './agent';
import { gqlRaw } from './api';
import { expectAccessible, expectHeadingFocused, navigate, screenshot, signIn } from './helpers';

test('an employee finds a post by a misspelt word, shares it with their own text and sees the click counted', async ({ page, browser }, info) => {
  await signIn(page, 'Eve Employee', '/feed');
  await expect(page.getByRole('heading', { level: 1, name: 'Feed' })).toBeVisible();
  await expect(page.getByRole('article', { name: 'Hiring' })).toBeVisible();
  await expect(page.getByRole('article', { name: 'Quarterly results' })).toBeVisible();
  await expectAccessible(page, 'feed');
  await screenshot(page, info, 'feed');

  // Search as you type, with a typo: the server finds the nearest word and marks it.
  await navigate(page, 'Search');
  await expectHeadingFocused(page, 'Search');
  await page.getByRole('searchbox', { name: 'Search posts' }).fill('enginers');
  const hit = page.getByRole('article', { name: 'Hiring' });
  await expect(hit.locator('mark').first()).toHaveText(/engineers/i);
  await expect(page).toHaveURL(/q=enginers/);
  await expectAccessible(page, 'search');
  await screenshot(page, info, 'search');

  // Share with an edited text: on X (whose counter includes the link) from the desktop, on
  // LinkedIn from the phone (one share per network and post: each run shares anew).
  const network = info.project.name === 'phone' ? { name: 'LinkedIn', source: 'linkedin', limit: 3000, link: 0, intent: /linkedin\.com\/sharing/ } : { name: 'X', source: 'x', limit: 280, link: 24, intent: /x\.com\/intent\/tweet\?.*Proud/ };
  await hit.getByRole('button', { name: 'Share “Hiring”' }).click();
  const dialog = page.getByRole('dialog', { name: 'Share “Hiring”' });
  await dialog.getByText(network.name, { exact: true }).click();
  const text = dialog.getByRole('textbox', { name: 'Share text' });
  await expect(text).toHaveValue('My team is hiring. Join us!');
  await text.fill('Proud of my team: we are hiring engineers in Berlin and Singapore!');
  await expect(dialog.getByLabel(new RegExp(`characters, as ${network.name} counts them`))).toHaveText(`${66 + network.link} / ${network.limit}`);
  await expectAccessible(page, 'share dialog');
  await screenshot(page, info, 'share-dialog');
  await dialog.getByRole('button', { name: 'Get my tracked link' }).click();
  await expect(dialog.getByRole('status')).toContainText('Your share is ready');
  const tracked = await dialog.getByRole('textbox', { name: 'Your tracked link' }).inputValue();
  expect(tracked).toMatch(/\/s\/\w+$/);
  await expect(dialog.getByRole('link', { name: `Open ${network.name} to share` })).toHaveAttribute('href', network.intent);
  await screenshot(page, info, 'share-done');
  await dialog.getByRole('button', { name: 'Done' }).click();

  // A locked text cannot be changed: the dialog shows it read-only and the API refuses an edit.
  await navigate(page, 'Feed');
  const locked = page.getByRole('article', { name: 'Quarterly results' });
  await locked.getByRole('button', { name: 'Share “Quarterly results”' }).click();
  const lockedDialog = page.getByRole('dialog', { name: 'Share “Quarterly results”' });
  await expect(lockedDialog.getByText('This post’s text is locked')).toBeVisible();
  await expect(lockedDialog.getByRole('textbox', { name: 'Share text' })).toHaveCount(0);
  await expect(lockedDialog.getByText('Our Q3 results are out: revenue up 40%.')).toBeVisible();
  await expectAccessible(page, 'share dialog, locked text');
  await lockedDialog.getByRole('button', { name: 'Close' }).first().click();
  const refused = await gqlRaw('employee@example.com', `mutation($id: ID!) { sharePost(postId: $id, network: LINKEDIN, text: "My own words") { id } }`, {
    id: process.env.E2E_LOCKED_POST,
  });
  expect(refused.errors?.[0]?.message).toMatch(/locked/);

  // Someone opens the tracked link in another browser. The machine has no internet: the link's
  // request goes to the server for real (which counts the click) and its redirect is shown, not followed.
  const visitor = await browser.newContext({ userAgent: personUserAgent });
  let location = '';
  await visitor.route('**/s/*', async (route) => {
    const response = await route.fetch({ maxRedirects: 0 });
    location = response.headers()['location'] ?? '';
    await route.fulfill({ status: 200, contentType: 'text/html', body: `<title>Redirected</title><p>${response.status()}</p>` });
  });
  const visit = await visitor.newPage();
  await visit.goto(tracked);
  await expect(visit.locator('p')).toHaveText('302');
  expect(location).toMatch(new RegExp(`^https://example\\.com/careers\\?.*utm_source=${network.source}`, 'i'));
  await visitor.close();

  // The worker counts the click asynchronously: My shares shows it within a deadline.
  await navigate(page, 'My shares');
  await expectHeadingFocused(page, 'My shares');
  const newest = page.getByRole('article').first();
  await expect(newest).toContainText('Hiring');
  await expect(newest).toContainText(network.name);
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole('article').first().getByTestId('share-clicks')).toHaveText('1', { timeout: 1_000 });
  }).toPass({ timeout: 30_000, intervals: [250, 500, 1_000] });
  // The totals above the list count that click too (and the share).
  const totals = page.getByRole('group', { name: 'Your totals' });
  expect(Number(await totals.getByTestId('total-clicks').textContent())).toBeGreaterThanOrEqual(1);
  expect(Number(await totals.getByTestId('total-shares').textContent())).toBeGreaterThanOrEqual(1);
  await expectAccessible(page, 'my shares');
  await screenshot(page, info, 'my-shares');

  await navigate(page, 'Leaderboard');
  await expect(page.getByRole('row', { name: /Eve Employee/ })).toBeVisible();
  await expectAccessible(page, 'leaderboard');
  await screenshot(page, info, 'leaderboard');
});
