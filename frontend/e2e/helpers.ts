import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './server';

/** Opens path signed out: the app sends the browser to sign-in, where the user picks who they are. */
export async function signIn(page: Page, name: string, path = '/') {
  await page.goto(path);
  await expect(page).toHaveURL(/\/dev\/oidc\//, { timeout: 30_000 });
  await page.getByRole('button', { name: new RegExp(name) }).click();
  await expect(page).toHaveURL(new RegExp(path === '/' ? '/(feed|queue)' : path.replace(/[?]/g, '\\?')), { timeout: 30_000 });
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible({ timeout: 30_000 });
}

/** axe-core finds no serious or critical violation on the page as it is now. */
export async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n  ')}`).join('\n');
  expect(bad, `${what}: accessibility violations\n${report}`).toEqual([]);
}

const shots = join(root, 'frontend/e2e/screenshots');

/** Writes e2e/screenshots/<name>-<project>.png (desktop 1280×800, phone 375×812). */
export async function screenshot(page: Page, info: TestInfo, name: string) {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}-${info.project.name}.png`), fullPage: false });
}

/** The main heading took focus after an in-app navigation. */
export async function expectHeadingFocused(page: Page, name: string | RegExp) {
  await expect(page.getByRole('heading', { level: 1, name })).toBeFocused();
}

/** Navigates with the app's own navigation (the burger menu on a phone). */
export async function navigate(page: Page, label: string) {
  const burger = page.getByRole('button', { name: 'Open navigation' });
  if (await burger.isVisible()) await burger.click();
  // The link's name may go on after the label (the review queue's count).
  const name = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`);
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).click();
}
