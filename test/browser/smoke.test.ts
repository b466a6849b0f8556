// The console is served, the admin signs in through the form, and the sections it may open are in the menu.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { adminCredentials } from '../harness.ts';
import { type BrowserStack, startBrowserStack } from './harness.ts';
import { signIn } from './pages.ts';

let stack: BrowserStack;
before(async () => {
  stack = await startBrowserStack();
});
after(async () => {
  await stack?.close();
});

test('the sign-in page renders and a wrong password is refused in words', async () => {
  const { page } = stack;
  await signIn(page, adminCredentials.username, 'not-the-password');
  await page.getByRole('alert').waitFor();
  assert.match((await page.getByRole('alert').textContent()) ?? '', /\w+/);
  await stack.screenshot('sign-in');
});

test('an admin signs in and lands on the users list with every console section', async () => {
  const { page } = stack;
  await signIn(page, adminCredentials.username, adminCredentials.password);
  await page.waitForURL('**/admin/users');
  await page.getByRole('heading', { name: 'Users' }).waitFor();
  const nav = page.getByRole('navigation', { name: 'Admin console navigation' });
  for (const section of ['Users', 'Settings', 'Audit log']) {
    await nav.getByRole('link', { name: section }).waitFor();
  }
  await stack.screenshot('users');
});

test('the session monitor lists the admin own browser session by user', async () => {
  const { page } = stack;
  await page.getByRole('navigation').getByRole('link', { name: 'Sessions' }).click();
  const row = page.getByRole('table', { name: 'Sessions' }).locator('tbody tr', { hasText: 'This device' });
  await row.getByRole('link', { name: adminCredentials.username }).waitFor();
  await stack.screenshot('sessions');
});

test('keyboard users can skip the navigation straight to the page', async () => {
  const { page } = stack;
  await page.goto('/admin/users');
  await page.getByRole('heading', { name: 'Users' }).waitFor();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  assert.equal(await skip.evaluate((element) => element === document.activeElement), true);
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main-content');
});

test('the statistics page draws users by status, sign-ins per day, MFA adoption and active sessions', async () => {
  const { page } = stack;
  await page.goto('/admin/stats');
  await page.getByRole('heading', { name: 'Statistics' }).waitFor();
  for (const title of ['Users by status', 'Two-step verification', 'Active sessions', 'Sign-ins per day']) {
    await page.getByRole('heading', { name: title }).waitFor();
  }
  await page.getByText('0 of 1 users').waitFor();
  // The refused and the accepted sign-in of the earlier tests are drawn as today's points.
  await page.locator('.recharts-area').first().waitFor();
  await stack.screenshot('statistics');
});
