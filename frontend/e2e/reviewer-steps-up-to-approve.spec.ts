import { expect, test } from '@playwright/test';
import { signIn } from './helpers';
import { postInReview, postState, setStepUp } from './review';

// The shortest step-up window is a minute: the reviewer's sign-in has to grow older than that.
test.setTimeout(240_000);

test.afterEach(async () => {
  await setStepUp(null);
});

test('under a step-up policy, approving sends the reviewer through a fresh sign-in and completes', async ({ page }, info) => {
  const title = `Partner pricing (${info.project.name})`;
  await signIn(page, 'Lena Legal', '/queue');
  const signedInAt = Date.now();
  const id = await postInReview(title, ['Partners now pay $99/month for the full suite.']);
  await setStepUp(1);
  await page.goto(`/posts/${id}`);
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  // The policy's window passes (no server clock to move: the sign-in's age is real time).
  await page.waitForTimeout(Math.max(0, signedInAt + 65_000 - Date.now()));

  await page.getByRole('button', { name: 'Approve' }).click();
  const dialog = page.getByRole('dialog', { name: 'Approve version 1' });
  await dialog.getByRole('textbox', { name: /Comment/ }).fill('Price checked with the partner team.');
  await dialog.getByRole('button', { name: 'Approve' }).click();

  // A fresh sign-in at the identity provider, then back to the same decision.
  await expect(page).toHaveURL(/\/dev\/oidc\//);
  expect((await postState(id)).decisions).toEqual([]);
  await page.getByRole('button', { name: /Lena Legal/ }).click();
  await expect(page).toHaveURL(new RegExp(`/posts/${id}$`));
  const resumed = page.getByRole('dialog', { name: 'Approve version 1' });
  await expect(resumed.getByText('Welcome back: confirm your decision.')).toBeVisible();
  await expect(resumed.getByRole('textbox', { name: /Comment/ })).toHaveValue('Price checked with the partner team.');
  await resumed.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByText(/^Approved\./)).toBeVisible();
  const after = await postState(id);
  expect(after.decisions.map((d) => [d.kind, d.reviewer.email])).toEqual([['APPROVE', 'legal@example.com']]);
});
