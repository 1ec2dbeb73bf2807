import { expect, test } from '@playwright/test';
import { expectAccessible, screenshot, signIn } from './helpers';
import { editWhileInReview, postInReview, postState } from './review';

test('a decision on a version edited meanwhile shows what changed and records nothing', async ({ page }, info) => {
  const title = `Spring offer (${info.project.name})`;
  const id = await postInReview(title, ['Spring offer: every plan at $19/month until May.']);
  await signIn(page, 'Lena Legal', `/posts/${id}`);
  await expect(page.getByRole('group', { name: 'How it will look on LinkedIn' })).toContainText('$19/month');

  // While the reviewer reads version 1, the marketer saves version 2.
  await editWhileInReview(id, title, 'Spring offer: every plan at $25/month until May.');
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.getByRole('dialog', { name: 'Approve version 1' }).getByRole('button', { name: 'Approve' }).click();

  const alert = page.getByRole('alert').filter({ hasText: 'A newer version was saved while you were reading' });
  await expect(alert).toContainText('You decided on version 1, but version 2 is under review now. Nothing was recorded.');
  await expect(alert.locator('del')).toContainText('$19/month');
  await expect(alert.locator('ins')).toContainText('$25/month');
  // Nothing changed on the server.
  const after = await postState(id);
  expect(after.state).toBe('IN_REVIEW');
  expect(after.decisions).toEqual([]);
  // The page shows version 2 now, and the decision names it.
  await expect(page.getByRole('group', { name: 'How it will look on LinkedIn' })).toContainText('$25/month');
  await expectAccessible(page, 'review page with a conflict');
  await screenshot(page, info, 'review-conflict');
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.getByRole('dialog', { name: 'Approve version 2' }).getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByText(/^Approved\./)).toBeVisible();
  expect((await postState(id)).decisions.map((d) => d.kind)).toEqual(['APPROVE']);
});
