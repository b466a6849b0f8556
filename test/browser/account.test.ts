// The account area as a person without admin rights sees it: forced password change, profile, own sessions,
// all usable at phone width.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type BrowserStack, startBrowserStack } from './harness.ts';
import { expectNotification, openAccountMenu, signIn } from './pages.ts';

let stack: BrowserStack;
before(async () => {
  stack = await startBrowserStack();
  await stack.gh.createUser({
    username: 'ada',
    displayName: 'Ada Lovelace',
    email: 'ada@example.com',
    password: 'first-password-from-admin',
    mustChangePassword: true,
  });
});
after(async () => {
  await stack?.close();
});

test('a forced password change comes first, then the account area opens without console sections', async () => {
  const { page } = stack;
  await signIn(page, 'ada', 'first-password-from-admin');
  await page.waitForURL('**/account/password?forced=1');
  await page.getByText('asks you to choose a new password').waitFor();
  await stack.screenshot('account-forced-password');
  await page.getByLabel('Current password').fill('first-password-from-admin');
  await page.getByLabel('New password', { exact: true }).fill('analytical engine notes');
  await page.getByLabel('Confirm new password').fill('analytical engine notes');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.waitForURL(/\/account$/);
  await page.getByRole('heading', { name: 'Profile' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Users' }).count(), 0, 'no console section is offered');
  await openAccountMenu(page);
  assert.equal(await page.getByRole('menuitem', { name: 'Admin console' }).count(), 0);
  await page.keyboard.press('Escape');
  await page.goto('/admin/users');
  await page.waitForURL(/\/account$/);
});

test('the display name is edited on the profile page', async () => {
  const { page, gh } = stack;
  await page.getByLabel('Display name').fill('Augusta Ada King');
  await page.getByRole('button', { name: 'Save' }).click();
  await expectNotification(page, 'Profile saved');
  const token = await gh.signIn('ada', 'analytical engine notes');
  const me = await gh.request('GET', '/api/me', { token });
  assert.equal(me.body.displayName, 'Augusta Ada King');
  await stack.screenshot('account-profile');
});

test('own sessions mark this device and can end another one', async () => {
  const { page } = stack;
  await page.getByRole('link', { name: 'Sessions' }).click();
  const rows = page.getByRole('table', { name: 'Sessions' }).locator('tbody tr');
  await rows.nth(1).waitFor(); // this browser, plus the API sign-in of the previous test
  await page.getByText('This device').waitFor();
  await stack.screenshot('account-sessions');
  const other = rows.filter({ hasNotText: 'This device' }).first();
  await other.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForFunction(() => document.querySelectorAll('table[aria-label="Sessions"] tbody tr').length === 1);
});

test('at phone width the navigation folds behind a labelled menu button', async () => {
  const { page } = stack;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/account');
  const nav = page.getByRole('navigation', { name: 'My account navigation' });
  // Mantine slides the collapsed navbar out of the viewport rather than hiding it.
  const folded = await nav.boundingBox();
  assert.ok(folded && folded.x + folded.width <= 0, 'the navigation is off-screen until asked for');
  await page.getByRole('button', { name: 'Toggle navigation' }).click();
  await nav.getByRole('link', { name: 'Password' }).click();
  await page.getByRole('heading', { name: 'Password' }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  await stack.screenshot('account-password-phone');
  await page.setViewportSize({ width: 1280, height: 800 });
});
