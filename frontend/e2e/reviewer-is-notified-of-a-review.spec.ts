import { expect, test } from '@playwright/test';
import { signIn } from './helpers';
import { postInReview } from './review';

const unreadOf = (label: string | null) => Number(label?.match(/(\d+) unread/)?.[1] ?? 0);

test('a post awaiting the reviewer shows up live: bell, queue and its count', async ({ page }, info) => {
  await signIn(page, 'Lena Legal', '/queue');
  const bell = page.getByRole('button', { name: /^Notifications/ });
  await expect(bell).toBeVisible();
  await page.waitForLoadState('networkidle');
  const before = unreadOf(await bell.getAttribute('aria-label'));
  const count = page.getByTestId('queue-count');
  const queued = (await count.count()) ? Number(await count.textContent()) : 0;

  const title = `Competitor comparison (${info.project.name})`;
  await postInReview(title, ['Why teams leave Acme for us: half the price at $10/month.']);

  // REVIEW_REQUESTED arrives over the subscription: no reload.
  await expect.poll(async () => unreadOf(await bell.getAttribute('aria-label')), { timeout: 30_000 }).toBeGreaterThan(before);
  await expect(page.getByRole('link', { name: title })).toBeVisible();
  await expect(count).toHaveText(String(queued + 1));
  await bell.click();
  const notification = page.getByRole('dialog', { name: 'Notifications' }).getByRole('button', { name: new RegExp(`Review requested: ${title.replace(/[()]/g, '.')}`) });
  await notification.click();
  // The notification leads to the review page.
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Your decision' }).getByRole('button', { name: 'Approve' })).toBeVisible();
});
