import { expect, test } from '@playwright/test';
import { expectAccessible, navigate, screenshot, signIn } from './helpers';

const title = 'Kubernetes migration retrospective';

test('an engineer sees the engineering board’s post', async ({ page }) => {
  await signIn(page, 'Priya Patel', '/feed');
  await expect(page.getByRole('article', { name: title })).toBeVisible();
  await navigate(page, 'Search');
  await page.getByRole('searchbox', { name: 'Search posts' }).fill('kubernets');
  await expect(page.getByRole('article', { name: title })).toBeVisible();
});

test('an employee outside the board’s audience never sees its posts', async ({ page }, info) => {
  await signIn(page, 'Eve Employee', '/feed');
  await expect(page.getByRole('article', { name: 'Hiring' })).toBeVisible();
  await expect(page.getByRole('article', { name: title })).toHaveCount(0);
  await expect(page.getByText('Engineering only')).toHaveCount(0);

  await navigate(page, 'Search');
  await page.getByRole('searchbox', { name: 'Search posts' }).fill('kubernetes');
  await expect(page.getByRole('heading', { name: 'No posts match “kubernetes”.' })).toBeVisible();
  await expectAccessible(page, 'search without results');
  await screenshot(page, info, 'search-empty');

  await page.goto(`/posts/${process.env.E2E_RESTRICTED_POST}`);
  await expect(page.getByText('This post does not exist or is not shared with you.')).toBeVisible();
  await expect(page.getByText(title)).toHaveCount(0);
  await expectAccessible(page, 'post not found');
});

test('the post page a notification links to offers the share button', async ({ page }, info) => {
  await signIn(page, 'Priya Patel', `/posts/${process.env.E2E_RESTRICTED_POST}`);
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByRole('button', { name: `Share “${title}”` })).toBeVisible();
  await expectAccessible(page, 'post page');
  await screenshot(page, info, 'post');
});
