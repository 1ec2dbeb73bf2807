import { expect, test } from '@playwright/test';
import { expectAccessible, screenshot } from './helpers';
import { postInReview, postState, setStepUp, stepUpReviewer, stepUpSession, stepUpSignedInAt } from './review';

// The shortest step-up window is a minute: the reviewer's sign-in has to be older than that. It is
// the sign-in global setup made before the other journeys ran (no server clock to move).
test.use({ storageState: async ({}, use, info) => use(stepUpSession(info.project.name)) });
test.setTimeout(240_000);

test.afterEach(async () => {
  await setStepUp(null);
});

test('under a step-up policy, approving sends the reviewer through a fresh sign-in and completes', async ({ page }, info) => {
  const title = `Partner pricing (${info.project.name})`;
  const id = await postInReview(title, ['Partners now pay $99/month for the full suite.']);
  await setStepUp(1);
  await page.goto(`/posts/${id}`);
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  // The policy's window has passed (when this journey runs alone, it waits for it here).
  const wait = stepUpSignedInAt(info.project.name) + 65_000 - Date.now();
  if (wait > 0) {
    console.log(`step-up: waiting ${Math.ceil(wait / 1000)} s for the reviewer's sign-in to be older than the policy's minute`);
    await page.waitForTimeout(wait);
  }

  // The page says so before the reviewer writes anything.
  await expect(page.getByRole('link', { name: 'Sign in again' })).toHaveAttribute('href', `/auth/login?step_up=1&return_to=${encodeURIComponent(`/posts/${id}`)}`);
  await expectAccessible(page, 'review page, sign-in too old to decide');
  await screenshot(page, info, 'review-step-up');

  // Deciding anyway: refused, through a fresh sign-in, and back to the same decision.
  await page.getByRole('button', { name: 'Approve' }).click();
  const dialog = page.getByRole('dialog', { name: 'Approve version 1' });
  await dialog.getByRole('textbox', { name: /Comment/ }).fill('Price checked with the partner team.');
  await dialog.getByRole('button', { name: 'Approve' }).click();

  // A fresh sign-in at the identity provider, then back to the same decision.
  await expect(page).toHaveURL(/\/dev\/oidc\//);
  expect((await postState(id)).decisions).toEqual([]);
  await page.getByRole('button', { name: new RegExp(stepUpReviewer) }).click();
  await expect(page).toHaveURL(new RegExp(`/posts/${id}$`));
  const resumed = page.getByRole('dialog', { name: 'Approve version 1' });
  await expect(resumed.getByText('Welcome back: confirm your decision.')).toBeVisible();
  await expect(resumed.getByRole('textbox', { name: /Comment/ })).toHaveValue('Price checked with the partner team.');
  await resumed.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByText(/^Approved\./)).toBeVisible();
  const after = await postState(id);
  expect(after.decisions.map((d) => [d.kind, d.reviewer.email])).toEqual([['APPROVE', 'legal@example.com']]);
});
