import { expect, test } from '@playwright/test';
import { approvedPost, gql } from './api';
import { expectAccessible, expectHeadingFocused, navigate, screenshot, signIn } from './helpers';

function unreadOf(label: string | null): number {
  const m = label?.match(/(\d+) unread/);
  return m ? Number(m[1]) : 0;
}

test('the bell counts new notifications live, and settings are kept', async ({ page }, info) => {
  await signIn(page, 'Mark Marketer', '/feed');
  const bell = page.getByRole('button', { name: /^Notifications/ });
  await expect(bell).toBeVisible();
  const before = unreadOf(await bell.getAttribute('aria-label'));

  // The marketer's post is decided on and approved: notifications arrive over the subscription.
  const { boards } = await gql('marketer@example.com', `{ boards { edges { node { id name } } } }`);
  const news = boards.edges.find((e: any) => e.node.name === 'Company news').node.id;
  await approvedPost([news], { title: `Team offsite ${info.project.name}`, body: 'Photos from our offsite.', link: 'https://example.com/offsite' });
  await expect.poll(async () => unreadOf(await bell.getAttribute('aria-label')), { timeout: 30_000 }).toBeGreaterThan(before);

  await bell.click();
  const panel = page.getByRole('dialog', { name: 'Notifications' });
  await expect(panel.getByText(/Team offsite/).first()).toBeVisible();
  await expectAccessible(page, 'notification panel');
  await screenshot(page, info, 'notifications');
  await panel.getByRole('button', { name: 'Mark all read' }).click();
  await expect(bell).toHaveAttribute('aria-label', 'Notifications');
  await panel.getByRole('link', { name: 'Notification settings' }).click();

  await expectHeadingFocused(page, 'Notification settings');
  // Own channels for approvals (the other project's run may have chosen them already).
  const ownChannels = page.getByRole('switch', { name: 'Use defaults' }).nth(4);
  if (await ownChannels.isChecked()) await page.getByText('Use defaults').nth(4).click();
  await expect(ownChannels).not.toBeChecked();
  await page.getByRole('group', { name: 'Your post was approved' }).getByRole('checkbox', { name: 'E-mail' }).uncheck();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  await expectAccessible(page, 'notification settings');
  await screenshot(page, info, 'notification-settings');
  await page.reload();
  await expect(page.getByRole('group', { name: 'Your post was approved' }).getByRole('checkbox', { name: 'E-mail' })).not.toBeChecked();
  await expect(page.getByRole('group', { name: 'Your post was approved' }).getByRole('checkbox', { name: 'In the app' })).toBeChecked();

  await page.goto('/notifications');
  await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();
  await expectAccessible(page, 'notifications page');
});

test('a session that ended sends the employee through sign-in and back to where they were', async ({ page }) => {
  await signIn(page, 'Eve Employee', '/leaderboard');
  // The session ends on the server while the app is open (once the page's own requests are done:
  // a request in flight when the session ends may save it again, see NEEDS.md).
  await page.waitForLoadState('networkidle');
  const ended = await page.evaluate(async () => (await fetch('/auth/logout', { method: 'POST', redirect: 'manual' })).type);
  expect(ended).toBe('opaqueredirect');
  // In-app navigation: the page's query is refused (UNAUTHENTICATED) and the app goes to sign-in.
  await navigate(page, 'My shares');
  await expect(page).toHaveURL(/\/dev\/oidc\//);
  await page.getByRole('button', { name: /Eve Employee/ }).click();
  await expect(page).toHaveURL(/\/shares$/);
  await expect(page.getByRole('heading', { level: 1, name: 'My shares' })).toBeVisible();
});
