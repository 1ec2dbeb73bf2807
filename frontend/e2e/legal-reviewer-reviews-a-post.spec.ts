import { expect, test } from '@playwright/test';
import { expectAccessible, expectHeadingFocused, navigate, screenshot, signIn } from './helpers';
import { postInReview, postState, reviseAndSubmit } from './review';

// The reviewer's own time zone differs from the plan's: the page shows both.
test.use({ timezoneId: 'Europe/Berlin' });

test('a legal reviewer reads a post in context, requests changes, and approves the revision', async ({ page }, info) => {
  const title = `Teams plan launch (${info.project.name})`;
  const v1 = 'Clearpost Teams launches today.';
  const v2 = 'Clearpost Teams launches today at $29/month, and reviews finish 2x faster.';
  const id = await postInReview(title, [v1, v2], { at: '2027-03-15T09:00', timeZone: 'America/New_York' });

  await signIn(page, 'Lena Legal', '/queue');
  const queue = page.getByRole('list', { name: 'Posts awaiting your review' });
  const item = queue.getByRole('listitem').filter({ hasText: title });
  await expect(item).toBeVisible();
  await expect(item.getByText('Stage 1: Legal review')).toBeVisible();
  await expect(item.getByRole('timer')).toHaveText(/^Due in 1 d 23 h|^Due in 2 d/);
  // The navigation counts what waits.
  const burger = page.getByRole('button', { name: 'Open navigation' });
  if (await burger.isVisible()) await burger.click();
  await expect(page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: /Review queue\s*\d+ posts? wait/ })).toBeVisible();
  if (await page.getByRole('button', { name: 'Close navigation' }).isVisible()) await page.getByRole('button', { name: 'Close navigation' }).click();
  await expectAccessible(page, 'review queue');
  await screenshot(page, info, 'review-queue');

  await item.getByRole('link', { name: title }).click();
  await expect(page).toHaveURL(new RegExp(`/posts/${id}$`));
  await expectHeadingFocused(page, title);

  // One preview per target network, with the brand channel it goes out on.
  const linkedin = page.getByRole('group', { name: 'How it will look on LinkedIn' });
  await expect(linkedin.getByText(v2)).toBeVisible();
  await expect(linkedin.getByText('Example Corp', { exact: true })).toBeVisible();
  await expect(page.getByRole('group', { name: 'How it will look on X' }).getByText('@examplecorp')).toBeVisible();
  // 09:00 in New York (summer time since 14 March) is 14:00 in Berlin (still winter time).
  await expect(page.getByTestId('publish-at')).toHaveText('Goes out Mon, 15 Mar 2027, 14:00 CET in your time zone (Europe/Berlin)');
  await expect(page.getByText(/Planned as Mon, 15 Mar 2027, 09:00 .* in America\/New_York/)).toBeVisible();
  // Why it came: the rule and the classifier's evidence, marked in the text.
  await expect(page.getByRole('list', { name: 'Rules that matched' })).toContainText('Claims and prices to legal');
  await expect(page.getByRole('list', { name: 'Classifier findings' })).toContainText('Price or money amount');
  await expect(page.getByTestId('evidence-text').locator('mark').filter({ hasText: '$29' })).toBeVisible();
  // What changed from version 1 to 2.
  const diff = page.getByRole('group', { name: 'Since the previous version (1 → 2)' });
  await expect(diff.locator('del')).toContainText(v1);
  await expect(diff.locator('ins')).toContainText('$29/month');
  await expectAccessible(page, 'review page');
  await screenshot(page, info, 'review-page');
  await page.getByRole('region', { name: 'Why it came to you' }).scrollIntoViewIfNeeded();
  await screenshot(page, info, 'review-page-routing');

  // The shortcut sheet, then a request for changes: the comment is required.
  await page.locator('body').press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.keyboard.press('Escape');
  // k and j: the previous post in the queue, and back (this one arrived last).
  await page.keyboard.press('k');
  await expect(page).not.toHaveURL(new RegExp(`/posts/${id}$`));
  await expect(page.getByRole('heading', { level: 1, name: title })).toHaveCount(0);
  await page.keyboard.press('j');
  await expect(page).toHaveURL(new RegExp(`/posts/${id}$`));
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await page.getByRole('button', { name: 'Request changes' }).click();
  const dialog = page.getByRole('dialog', { name: 'Request changes to version 2' });
  await dialog.getByRole('button', { name: 'Request changes' }).click();
  await expect(dialog.getByText('Tell the author why: a comment is required.')).toBeVisible();
  await dialog.getByRole('textbox', { name: /Comment/ }).fill('“2x faster” needs a source.');
  await dialog.getByRole('button', { name: 'Request changes' }).click();
  await expect(page.getByText('Changes requested. The author has your comment.')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Decisions and comments' })).toContainText('needs a source');

  // The marketer's revision comes back to legal.
  const v3 = 'Clearpost Teams launches today at $29/month, and reviews finish 2x faster (2026 customer survey).';
  await reviseAndSubmit(id, title, v3);
  await page.reload();
  await expect(page.getByRole('group', { name: 'Since the previous version, the one you last decided (2 → 3)' }).locator('ins')).toContainText('customer survey');
  // a approves (the keyboard), not while typing.
  await page.getByRole('textbox', { name: 'Add a comment' }).press('a');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await page.getByRole('heading', { level: 1 }).focus();
  await page.keyboard.press('a');
  const approve = page.getByRole('dialog', { name: 'Approve version 3' });
  await approve.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByText(/^Approved\./)).toBeVisible();
  expect((await postState(id)).decisions.map((d) => d.kind)).toEqual(['REQUEST_CHANGES', 'APPROVE']);

  // The post has left the queue (it waits for brand now).
  await navigate(page, 'Review queue');
  await expect(page.getByRole('heading', { level: 1, name: 'Review queue' })).toBeVisible();
  await expect(page.getByRole('link', { name: title })).toHaveCount(0);
});
